"""Hear what Alexa would say: SSML turned into sound by espeak-ng, pauses and all.

A maintainer's tool (`dialog --speak`, `routine NAME --wav FILE`), never used on Lambda.
espeak-ng is found as the Debian package's library (`apt install espeak-ng`) or as the
`espeakng-loader` wheel that the dev extra installs. It reads SSML, honours <break>, and
speaks at WORDS_PER_MINUTE, the rate the skill times its holds with, so the pacing heard
is the pacing measured. Where no audio player is installed, play() raises NoAudioPlayer
with the sound it made, and the dialog writes it to a WAV file instead (WavFile).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import io
import os
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

from ..runtime.core.speech import WORDS_PER_MINUTE

INSTALL_HINT = (
    "espeak-ng is not installed. On Debian or Ubuntu: sudo apt install espeak-ng "
    "(or, in this project's virtual environment: pip install -e '.[dev]')."
)
_PLAYERS = (["aplay", "-q"], ["paplay"], ["play", "-q"], ["afplay"])

# From espeak-ng's speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_ESPEAK_RATE = 1
_CHARS_UTF8, _SSML = 1, 0x10
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


class AudioUnavailable(RuntimeError):
    """espeak-ng, or something to play sound with, is not on this machine."""


class NoAudioPlayer(AudioUnavailable):
    """The sound was made (`audio`, WAV bytes) but no player is on the PATH to play it."""

    def __init__(self, audio: bytes):
        names = ", ".join(command[0] for command in _PLAYERS)
        super().__init__(f"no audio player found ({names})")
        self.audio = audio


class _Espeak:
    def __init__(self) -> None:
        library, data = _find_espeak()
        self.lib = ctypes.CDLL(library)
        self.lib.espeak_Initialize.restype = ctypes.c_int
        self.sample_rate = self.lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, data.encode() if data else None, 0
        )
        if self.sample_rate <= 0:
            raise AudioUnavailable(f"espeak-ng could not start ({library}). {INSTALL_HINT}")
        self.lib.espeak_SetVoiceByName(b"en")
        self.lib.espeak_SetParameter(_ESPEAK_RATE, WORDS_PER_MINUTE, 0)
        self.samples = bytearray()
        self._callback = _CALLBACK(self._collect)  # kept alive: espeak calls it later
        self.lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav, count, _events) -> int:
        if count > 0:
            self.samples.extend(ctypes.string_at(wav, count * 2))
        return 0

    def wav(self, ssml: str) -> bytes:
        self.samples = bytearray()
        text = ssml.encode("utf-8") + b"\0"
        self.lib.espeak_Synth(text, len(text), 0, 1, 0, _CHARS_UTF8 | _SSML, None, None)
        self.lib.espeak_Synchronize()
        out = io.BytesIO()
        with wave.open(out, "wb") as audio:
            audio.setnchannels(1)
            audio.setsampwidth(2)
            audio.setframerate(self.sample_rate)
            audio.writeframes(bytes(self.samples))
        return out.getvalue()


def _find_espeak() -> tuple[str, str | None]:
    """(library path, data path or None for the library's own)."""
    try:
        import espeakng_loader  # the dev extra's wheel: library and voices inside

        return espeakng_loader.get_library_path(), espeakng_loader.get_data_path()
    except ImportError:
        pass
    found = ctypes.util.find_library("espeak-ng")
    if found is None:
        raise AudioUnavailable(INSTALL_HINT)
    return found, None


_engine: _Espeak | None = None


def synthesize(ssml: str) -> bytes:
    """WAV audio of the SSML, as espeak-ng says it at the skill's speaking rate."""
    global _engine
    if _engine is None:
        _engine = _Espeak()
    return _engine.wav(ssml)


def duration_seconds(wav_bytes: bytes) -> float:
    with wave.open(io.BytesIO(wav_bytes)) as audio:
        return audio.getnframes() / audio.getframerate()


def find_player(search_path: str | None = None) -> list[str] | None:
    """The first audio player on `search_path` (default: $PATH), as a command, or None."""
    return next((command for command in _PLAYERS if shutil.which(command[0], path=search_path)), None)


def play(ssml: str, search_path: str | None = None) -> None:
    """Speak the SSML through the first audio player found (aplay, paplay, sox's play, afplay);
    with none, raise NoAudioPlayer carrying the sound."""
    audio = synthesize(ssml)
    player = find_player(search_path)
    if player is None:
        raise NoAudioPlayer(audio)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "speech.wav"
        path.write_bytes(audio)
        subprocess.run([*player, str(path)], check=False)


class WavFile:
    """One WAV file that sounds are added to one after another. The header is brought up
    to date after each (wave's writeframes does), so the file is whole at every moment,
    even if the dialog is killed."""

    def __init__(self, path: Path):
        self.path = path
        self._file = path.open("wb")
        self._wav: wave.Wave_write | None = None

    def add(self, wav_bytes: bytes) -> None:
        with wave.open(io.BytesIO(wav_bytes)) as audio:
            if self._wav is None:
                self._wav = wave.open(self._file, "wb")
                self._wav.setparams(audio.getparams())
            self._wav.writeframes(audio.readframes(audio.getnframes()))
        self._file.flush()

    def close(self) -> None:
        if self._wav is not None:
            self._wav.close()
        self._file.close()


def new_wav_file(prefix: str = "cramp-coach-dialog-") -> WavFile:
    """A new, uniquely named WAV file in the temporary folder ($TMPDIR, else /tmp)."""
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=".wav")
    os.close(handle)
    return WavFile(Path(name))
