"""python -m skill: the maintainer's command line.

  dialog         type what you would say to Alexa and see what it would answer (offline)
  routine        play a guided routine from start to end, as text or as sound (--wav)
  serve          the self-hosted endpoint: waitress serving Flask at POST /, verifying Alexa's signatures
  bench          cold start, warm latency, memory and package size against a bare ask-sdk-core skill
  load           put a served endpoint (serve --no-verify) under load, bad requests interleaved
  build-models   regenerate interaction_models/ from content/ (--check: only compare)
  check-models   check interaction models against Alexa's build rules
  compile-content  validate content/ and save it for a fast start-up (the Lambda build runs it)
  build-package  write skill-package/ (manifest and models) for `ask deploy`
  package-size   the zipped size of the Lambda package that `sam build` made
  accuracy       how often the offline resolver reaches the right answer, and the emergency
                 answer for red flags, on labelled utterances
  profile-nlu    the same figures from Alexa's own model, through the ASK CLI (after ask deploy)
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from .runtime.core.content import ContentError

from .runtime.core.compiled import load_content


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m skill", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    dialog = commands.add_parser(
        "dialog",
        help="talk to the skill offline, as with `ask dialog`",
        description="Type what you would say to Alexa: 'open cramp coach', "
        "'ask cramp coach why do I get cramps at night', or a bare question. "
        "'.quit' (or Ctrl-D) leaves; '.record FILE [--append-quit]' writes a replay file; "
        "'.screen on|off' switches the device's screen; '.name-free TEXT' says TEXT without the skill's name. "
        "When stdin is not a terminal, one utterance per line.",
    )
    dialog.add_argument("--locale", help="interaction model and skill locale (default en-US)")
    dialog.add_argument("--replay", metavar="FILE", help="say the inputs of an ASK CLI replay file (JSON or YAML) first")
    dialog.add_argument(
        "--record",
        metavar="FILE",
        help="when the dialog ends, write what was said as a replay file (its folder is checked first; "
        "if writing fails at the end, the recording goes to a temporary file and the message says where)",
    )
    dialog.add_argument("--ssml", action="store_true", help="print the SSML instead of plain text")
    dialog.add_argument("--json", action="store_true", help="print one JSON object per turn")
    dialog.add_argument("-v", "--verbose", action="store_true", help="show the resolved intent and slots")
    dialog.add_argument(
        "--speak",
        action="store_true",
        help="also speak each answer through espeak-ng; with no audio player, the answers go to a WAV file and it says where",
    )
    dialog.add_argument(
        "--screen",
        action="store_true",
        help="be a device with a screen: requests declare APL and a viewport, and what the screen shows is "
        "printed under the answer ('.screen on|off' switches it in the dialog)",
    )
    dialog.add_argument(
        "--reminders-permission", choices=["yes", "no", "no-voice"], default="yes",
        help="when the skill asks for permission to set reminders, what the person answers Alexa (default yes; "
        "no-voice: a device that can't ask by voice). Reminders go to a local stand-in of the Reminders API",
    )
    dialog.add_argument(
        "--name-free",
        action="store_true",
        help="what is said with no session open goes as Alexa tries a request said without the skill's name "
        "('Alexa, my calf is cramping'): the skill's canFulfillIntent answer first, then the request if it "
        "said YES or MAYBE ('.name-free TEXT' does this for one line)",
    )

    routine = commands.add_parser("routine", help="play a guided routine from start to end")
    routine.add_argument("name", help="the routine's id (see content/routines.yaml), e.g. calf_now")
    routine.add_argument("--wav", metavar="FILE", help="write the whole routine as audio (espeak-ng)")

    build = commands.add_parser("build-models", help="generate interaction_models/ from content/")
    build.add_argument("--check", action="store_true", help="exit 1 if the committed models are out of date")

    compiled = commands.add_parser("compile-content", help="validate content/ and save it for a fast start-up")
    compiled.add_argument("--into", metavar="DIR", help="where to write compiled.json (default: content/)")
    compiled.add_argument(
        "--for-requests", action="store_true",
        help="leave out the phrases only the interaction model needs (the Lambda build does)",
    )

    check = commands.add_parser("check-models", help="check interaction models against Alexa's build rules")
    check.add_argument("paths", nargs="*", help="model files (default: interaction_models/*.json)")

    serve = commands.add_parser("serve", help="serve the skill at POST / (Flask on waitress), verifying every request")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--skill-id", default=os.environ.get("SKILL_ID"), help="refuse requests for any other skill id")
    serve.add_argument(
        "--no-verify", action="store_true",
        help="accept unsigned requests (for local tools such as virtual-alexa); binds to 127.0.0.1 only",
    )

    bench = commands.add_parser("bench", help="benchmark against a bare ask-sdk-core skill")
    bench.add_argument("--pairs", type=int, default=30, help="cold-start pairs per condition (default 30)")
    bench.add_argument("--warm-rounds", type=int, default=300, help="warm requests per type (default 300)")
    bench.add_argument("--lambda-memory", type=_memory_sizes, default=[], metavar="MB,MB,...",
                       help="also cold starts at Lambda's CPU share for these memory sizes (needs root: a cgroup)")
    bench.add_argument("--lambda-runs", type=int, default=5, help="cold starts per memory size (default 5)")

    load = commands.add_parser("load", help="put a served endpoint under load from this process")
    load.add_argument("url", help="e.g. http://127.0.0.1:5000/ (serve --no-verify)")
    load.add_argument("--requests", type=int, default=2000)
    load.add_argument("--concurrency", type=int, default=16)

    package = commands.add_parser("build-package", help="write skill-package/ for `ask deploy`")
    package.add_argument("--endpoint", default=os.environ.get("CRAMP_COACH_ENDPOINT"), help="the Lambda function's ARN")
    package.add_argument("--privacy-url", default=os.environ.get("CRAMP_COACH_PRIVACY_URL"))
    package.add_argument("--terms-url", default=os.environ.get("CRAMP_COACH_TERMS_URL"))

    size = commands.add_parser("package-size", help="zip the built Lambda package and print its size")
    size.add_argument("build_dir", nargs="?", default=".aws-sam/build/CrampCoachFunction")

    accuracy = commands.add_parser("accuracy", help="score the offline resolver on labelled utterances")
    accuracy.add_argument(
        "files", nargs="*",
        help="labelled YAML files (default: tests/data/heldout_utterances*, red_flags_* and labelled_resolutions*)",
    )
    accuracy.add_argument("--locale", default="en-US")
    accuracy.add_argument("--misses", action="store_true", help="list every utterance answered wrongly")

    profile = commands.add_parser(
        "profile-nlu", help="score Alexa's own model on the labelled utterances (ask smapi profile-nlu)",
        description="Every utterance of the labelled, topic and red-flag sets through `ask smapi profile-nlu` "
        "(the installed ASK CLI, your profile), scored as `python -m skill accuracy` scores the offline resolver. "
        "Answers are cached per utterance and model, so a stopped run resumes.",
    )
    profile.add_argument(
        "files", nargs="*",
        help="labelled YAML files (default: tests/data/heldout_utterances*, red_flags_* and labelled_resolutions*)",
    )
    profile.add_argument("--skill-id", required=True, help="the skill's id (amzn1.ask.skill...)")
    profile.add_argument("--locale", default="en-US")
    profile.add_argument("--stage", default="development", choices=["development", "live", "certification"])
    profile.add_argument("--profile", help="the ASK CLI profile (default: the CLI's own default)")
    profile.add_argument("--compare-offline", action="store_true", help="print the offline resolver's figures under each")
    profile.add_argument("--misses", action="store_true", help="list every utterance Alexa's model answered wrongly")
    profile.add_argument("--jobs", type=int, default=4, help="utterances asked at once (default 4)")
    profile.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for one answer (default 30)")
    profile.add_argument("--retry-pause", type=float, default=1.0, help="seconds before the first retry; doubles (default 1)")
    profile.add_argument("--cache", type=Path, help="where answers are kept (default ~/.cache/cramp-coach/profile-nlu)")

    args = parser.parse_args(argv)
    # The skill logs at INFO for CloudWatch; at the keyboard only problems matter.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "dialog":
            return _dialog(args)
        if args.command == "accuracy":
            return _accuracy(args)
        if args.command == "profile-nlu":
            return _profile_nlu(args)
        if args.command == "routine":
            return _routine(args)
        if args.command == "compile-content":
            from .runtime.core.compiled import COMPILED_NAME, compile_content

            target = Path(args.into) / COMPILED_NAME if args.into else None
            print(f"wrote {compile_content(target=target, for_requests=args.for_requests)}")
            return 0
        if args.command == "check-models":
            return _check_models(args)
        if args.command == "bench":
            from .tools.bench import main as bench

            return bench(args.pairs, args.warm_rounds, args.lambda_memory, args.lambda_runs)
        if args.command == "load":
            from .tools.load import main as load

            return load(args.url, args.requests, args.concurrency)
        if args.command == "serve":
            return _serve(args)
        if args.command == "build-package":
            return _build_package(args)
        if args.command == "package-size":
            return _package_size(args)
        return _build_models(args)
    except ContentError as error:
        print(error, file=sys.stderr)
        return 2


def _memory_sizes(text: str) -> list[int]:
    """"256,1024" -> [256, 1024]: Lambda's memory sizes, 128 MB to 10,240 MB."""
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of megabytes: {text!r} (say 256,512,1769)") from None
    if not sizes or any(not 128 <= size <= 10240 for size in sizes):
        raise argparse.ArgumentTypeError(f"Lambda's memory is 128 to 10240 MB: {text!r}")
    return sizes


def _dialog(args: argparse.Namespace) -> int:
    import itertools
    import json

    from .tools.simulator.dialog import Dialog, interactive_lines, run, screen_state
    from .tools.simulator.replay import QUIT, ReplayError, keep_replay, read_replay, record_problem

    def fail(message: str) -> int:
        print(f"python -m skill dialog: {message}", file=sys.stderr)
        return 2

    replay = None
    if args.replay:
        try:
            replay = read_replay(Path(args.replay))
        except ReplayError as error:
            return fail(str(error))
        if args.locale and args.locale != replay.locale:
            return fail("the replay file gives the locale; don't pass --locale with --replay")
    if args.record:
        # Checked before anything is said, so that no typing is lost to a mistyped folder.
        problem = record_problem(Path(args.record))
        if problem:
            return fail(f"cannot record to {args.record}: {problem}")
    locale = replay.locale if replay else args.locale or "en-US"
    try:
        dialog = Dialog.for_locale(locale, skill_id=replay.skill_id if replay else None)
    except LookupError as error:
        return fail(str(error))
    dialog.screen = args.screen
    dialog.name_free = args.name_free
    dialog.permission_answer = args.reminders_permission
    interactive = sys.stdin.isatty()
    if interactive and not args.json and not replay:
        print(
            f"Cramp Coach offline dialog ({locale}). Type what you would say to Alexa,\n"
            "e.g. 'open cramp coach' or 'ask cramp coach my calf is cramping'. '.quit' leaves.\n"
        )
        if args.screen:
            print(f"        [{screen_state(True)}]")
    typed = interactive_lines() if interactive else sys.stdin
    # As with `ask dialog --replay`: the file's inputs, then the keyboard unless it ends with .quit.
    inputs = replay.inputs if replay else ()
    rest = () if inputs and inputs[-1] == QUIT else typed
    wav_file = None
    if args.speak:
        from .tools import audio

        def speak(ssml: str) -> None:
            nonlocal wav_file
            try:
                audio.play(ssml)
            except audio.NoAudioPlayer as error:
                # Said once: every answer goes on into the same file, which is whole after each.
                if wav_file is None:
                    try:
                        wav_file = audio.new_wav_file()
                    except OSError as problem:
                        print(f"        [not spoken: {error}, and no WAV file can be made: {problem}]", file=sys.stderr)
                        return
                    print(f"        [{error}: the answers are written to {wav_file.path}]", file=sys.stderr)
                wav_file.add(error.audio)
            except audio.AudioUnavailable as error:
                print(f"        [not spoken: {error}]", file=sys.stderr)
    else:
        speak = None

    recorded: list[str] = []
    kept = True

    def keep_recording() -> None:
        nonlocal kept
        try:
            written, reason = keep_replay(Path(args.record), dialog.skill_id, locale, recorded, append_quit=True)
        except OSError as error:  # not even a temporary file: the inputs themselves, on one line
            kept = False
            fail(f"{error}; the inputs were {json.dumps(recorded, ensure_ascii=False)}")
            return
        if reason is None:
            print(f"        [recorded {len(recorded)} inputs to {args.record}]", file=sys.stderr)
        else:
            kept = False
            fail(f"cannot write {args.record} ({reason}); the {len(recorded)} inputs are kept in {written}")

    try:
        status = run(
            dialog,
            itertools.chain(inputs, rest),
            sys.stdout,
            as_json=args.json,
            show_ssml=args.ssml,
            verbose=args.verbose,
            # Typed lines are already on the screen; replayed and piped ones are shown.
            echo=bool(replay) or not interactive,
            speak=speak,
            recorded=recorded,
        )
    finally:
        # Even when the skill raised: what was typed is what reproduces it.
        if wav_file is not None:
            wav_file.close()
        if args.record:
            keep_recording()
    return status if kept else 2


def _routine(args: argparse.Namespace) -> int:
    """Every segment of a routine in order, as the skill says them; with --wav, as sound."""
    from .runtime.core.conversation import Conversation
    from .runtime.core.routines import segments
    from .runtime.core.session import SessionState

    content = load_content()
    if args.name not in content.routines:
        print(f"python -m skill routine: no routine {args.name!r} (routines: {', '.join(content.routines)})", file=sys.stderr)
        return 2
    conversation = Conversation(content)
    reply = conversation.start_routine(args.name)
    replies = [reply]
    for _ in segments(content.routines[args.name], content.prompts)[1:]:
        reply = conversation.next_segment(SessionState(routine=reply.routine))
        replies.append(reply)
    for number, part in enumerate(replies, 1):
        print(f"[part {number} of {len(replies)}, about {part.speech.seconds():.0f} s] {part.speech.plain()}")
    if args.wav:
        from .tools.audio import AudioUnavailable, duration_seconds, synthesize

        try:
            audio = [synthesize(part.speech.ssml()) for part in replies]
        except AudioUnavailable as error:
            print(f"python -m skill routine: {error}", file=sys.stderr)
            return 2
        _write_wav(Path(args.wav), audio)
        print(f"wrote {args.wav}: {sum(duration_seconds(a) for a in audio):.1f} s of audio")
    return 0


def _write_wav(path: Path, parts: list[bytes]) -> None:
    import io
    import wave

    with wave.open(str(path), "wb") as out:
        for index, part in enumerate(parts):
            with wave.open(io.BytesIO(part)) as audio:
                if index == 0:
                    out.setparams(audio.getparams())
                out.writeframes(audio.readframes(audio.getnframes()))


def _accuracy(args: argparse.Namespace) -> int:
    from .tools.interaction_model import model_path
    from .tools.simulator.accuracy import SetError, kinds_of, report, score_sets
    from .tools.simulator.nlu import resolver_for

    try:
        files, kinds = kinds_of(args.files)
    except SetError as error:
        print(f"python -m skill accuracy: {error}", file=sys.stderr)
        return 2
    scores = list(score_sets(load_content(), resolver_for(model_path(args.locale)), list(zip(files, kinds))))
    for line in report(files, kinds, scores, args.misses):
        print(line)
    return 0


def _profile_nlu(args: argparse.Namespace) -> int:
    from .tools.interaction_model import model_path
    from .tools.profile_nlu import AskCli, AskError, Profiler, ProfiledResolver, default_cache_dir, texts_of
    from .tools.simulator.accuracy import DEFAULT_SETS, SetError, kinds_of, load_set, report, score_sets
    from .tools.simulator.nlu import resolver_for

    def fail(message: str) -> int:
        print(f"python -m skill profile-nlu: {message}", file=sys.stderr)
        return 2

    try:
        files, kinds = kinds_of(args.files, DEFAULT_SETS[:3])  # the sets the resolver alone reads
    except SetError as error:
        return fail(str(error))
    for path, kind in zip(files, kinds):
        if kind in ("triage", "answers"):
            return fail(f"{path}: a {kind} set is said through whole dialogs, not utterance by utterance: "
                        "score it with python -m skill accuracy")
    if args.compare_offline and not model_path(args.locale).exists():
        return fail(f"no offline model for {args.locale} to compare with")
    try:
        profiler = Profiler(AskCli(profile=args.profile, timeout=args.timeout), args.skill_id, args.locale, args.stage,
                            args.cache or default_cache_dir())
        model, fingerprint = profiler.model(json.loads(model_path(args.locale).read_text()) if model_path(args.locale).exists() else {})
        texts = [text for path, kind in zip(files, kinds) for text in texts_of(kind, load_set(path))]
        print(f"Alexa's {args.locale} model of {args.skill_id}, stage {args.stage} (model {fingerprint}): "
              f"{len(set(texts))} utterances", file=sys.stderr)
        answers = profiler.profile(texts, fingerprint, jobs=args.jobs, pause=args.retry_pause)
    except AskError as error:
        print(f"python -m skill profile-nlu: {error}", file=sys.stderr)
        return 1
    content, sets = load_content(), list(zip(files, kinds))
    alexa = list(score_sets(content, ProfiledResolver(answers, model), sets))
    offline = list(score_sets(content, resolver_for(model_path(args.locale)), sets)) if args.compare_offline else None
    for line in report(files, kinds, alexa, args.misses, beside=offline):
        print(line)
    return 0


def _check_models(args: argparse.Namespace) -> int:
    from .runtime.app import BUILT_IN_INTENTS
    from .runtime.core.compiled import load_content
    from .tools.interaction_model import MODELS_DIR
    from .tools.model_check import check_files

    paths = [Path(p) for p in args.paths] or sorted(MODELS_DIR.glob("*.json"))
    content = load_content()
    findings = check_files(paths, BUILT_IN_INTENTS, frozenset({*content.question_intents, *content.action_intents}))
    for finding in findings:
        print(finding)
    errors = sum(f.error for f in findings)
    print(f"{len(paths)} model(s): {errors} error(s), {len(findings) - errors} warning(s)", file=sys.stderr)
    return 1 if errors else 0


def _serve(args: argparse.Namespace) -> int:
    try:
        from .endpoint.web import create_app, serve
    except ImportError as error:
        print(f"python -m skill serve needs Flask, waitress and cryptography ({error.name}): pip install -e '.[serve]'", file=sys.stderr)
        return 2
    from .runtime.lambda_function import SKILL

    logging.getLogger().setLevel(logging.INFO)
    if args.no_verify:
        if args.host != "127.0.0.1":
            print("python -m skill serve: --no-verify only binds to 127.0.0.1", file=sys.stderr)
            return 2
        print(
            "WARNING: request verification is OFF. Anyone who can reach this port can send the skill "
            "anything. Use it only for local tools such as virtual-alexa.",
            file=sys.stderr,
        )
    elif args.skill_id is None:
        print("WARNING: no --skill-id (or SKILL_ID): signed requests for any skill will be answered.", file=sys.stderr)
    config = {"ASK_SDK_VERIFY_SIGNATURE": not args.no_verify, "ASK_SDK_VERIFY_TIMESTAMP": not args.no_verify}
    app = create_app(SKILL, skill_id=args.skill_id, config=config)
    serve(app, args.host, args.port)
    return 0


def _build_package(args: argparse.Namespace) -> int:
    from .tools.skill_package import PackageError, build_manifest, write_package

    content = load_content()
    try:
        manifest = build_manifest(content, args.endpoint, args.privacy_url, args.terms_url)
    except PackageError as error:
        print(f"python -m skill build-package: {error}", file=sys.stderr)
        return 2
    for path in write_package(content, manifest):
        print(f"wrote {path}")
    return 0


def _package_size(args: argparse.Namespace) -> int:
    from .tools.bench import zipped_mb

    build = Path(args.build_dir)
    if not (build / "skill" / "runtime" / "lambda_function.py").is_file():
        print(f"python -m skill package-size: no built package in {build}; run `sam build` first", file=sys.stderr)
        return 2
    print(f"{build}: {zipped_mb(build):.2f} MB zipped")
    return 0


def _build_models(args: argparse.Namespace) -> int:
    from .tools.interaction_model import stale_models, stale_resolver, write_models, write_resolver

    content = load_content()
    if args.check:
        stale = stale_models(content)
        for path in stale:
            print(f"{path.name} is out of date with content/: run `python -m skill build-models`", file=sys.stderr)
        resolver = stale_resolver(content)
        if resolver is not None:
            print(
                f"{resolver.name} was not made from these models, red flags and resolver code: "
                "run `python -m skill build-models`", file=sys.stderr,
            )
        return 1 if stale or resolver is not None else 0
    for path in write_models(content):
        print(f"wrote {path}")
    # Only when the models, the triage or the resolver's code changed: training takes a while.
    if stale_resolver(content) is not None:
        print("training the offline resolver on the models' samples (about half a minute)...", file=sys.stderr, flush=True)
        print(f"wrote {write_resolver(content)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
