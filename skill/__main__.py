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
"""

from __future__ import annotations

import argparse
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

    args = parser.parse_args(argv)
    # The skill logs at INFO for CloudWatch; at the keyboard only problems matter.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "dialog":
            return _dialog(args)
        if args.command == "accuracy":
            return _accuracy(args)
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
    import re
    from dataclasses import replace
    from functools import partial
    from pathlib import Path

    from .tools.interaction_model import model_path
    from .tools.simulator.accuracy import SetError, kind_of, score_sets, sum_scores
    from .tools.simulator.nlu import resolver_for

    data = Path(__file__).resolve().parents[1] / "tests" / "data"
    in_order = partial(sorted, key=lambda p: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", p.name)])
    files = [Path(f) for f in args.files] or [
        *in_order(data.glob("heldout_utterances*.yaml")), *in_order(data.glob("red_flags_*.yaml")),
        *in_order(data.glob("labelled_resolutions*.yaml")), *in_order(data.glob("triage_*.yaml")),
        *in_order(data.glob("answers_*.yaml")),
    ]
    if not files:
        print("python -m skill accuracy: no labelled files given or found", file=sys.stderr)
        return 2
    try:
        kinds = [kind_of(path) for path in files]
    except SetError as error:
        print(f"python -m skill accuracy: {error}", file=sys.stderr)
        return 2
    content = load_content()
    resolver = resolver_for(model_path(args.locale))
    right = total = 0
    labelled: list = []
    for kind, scored in zip(kinds, score_sets(content, resolver, list(zip(files, kinds)))):
        if kind == "labelled":
            res = scored
            labelled.append(res)
            print(f"{res.name}: {_resolution_figures(res)}")
            answered_wrong = {m.text for m in res.answer_misses}
            misses = [
                *(replace(m, got=m.got + ("" if m.text in answered_wrong else " (same answer)")) for m in res.intent_misses),
                *res.slot_misses, *res.emergencies_missed,
            ]
        elif kind == "triage":
            triage = scored
            print(f"{triage.name}: {triage.summary()}")
            misses = triage.misses()
        elif kind == "answers":
            answers = scored
            print(f"{answers.name}: {answers.summary()}")
            misses = list(answers.misses)
        elif kind == "red_flags":
            flags = scored
            called = flags.emergencies - len(flags.missed)
            print(
                f"{flags.name}: emergencies called {called}/{flags.emergencies}, "
                f"false alarms {len(flags.false_alarms)}/{flags.checked_for_alarm}"
            )
            misses = [*flags.missed, *flags.false_alarms]
        else:
            score = scored
            right += score.total - len(score.misses)
            total += score.total
            print(f"{score.name}: {score.accuracy:.1%} ({score.total - len(score.misses)}/{score.total})")
            misses = list(score.misses)
        if args.misses:
            for miss in misses:
                print(f"    {miss.text!r}: expected {miss.expected}, got {miss.got}")
    if total:
        print(f"all topics: {right / total:.1%} ({right}/{total})")
    if len(labelled) > 1:
        print(f"all labelled: {_resolution_figures(sum_scores(labelled))}")
    return 0


def _resolution_figures(res) -> str:
    return (
        f"intent {res.intent_accuracy:.1%} ({res.total - len(res.intent_misses)}/{res.total}), "
        f"answer {res.answer_accuracy:.1%} ({res.total - len(res.answer_misses)}/{res.total}), "
        f"slots {res.slot_accuracy:.1%} ({res.slots_expected - len(res.slot_misses)}/{res.slots_expected}), "
        f"red flags answered as emergencies {res.emergencies - len(res.emergencies_missed)}/{res.emergencies}"
    )


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
