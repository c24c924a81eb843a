"""attention-render: the command line. A thin click layer over attention_math and scenes.

Each command maps its options to one library call and turns the library's errors into
one-line messages (exit 2 for usage errors, 1 for failures); --verbose shows tracebacks.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import threading
from typing import Any, Callable, NoReturn

import click

# the choices are stated once, in the kit (a module that imports neither manim nor torch)
from scenes.kit.choices import (CELLS, DEFAULT_QUALITY, DEFAULT_SENTENCE, FORMATS, MODELS as MODEL_CHOICES,
                                QUALITIES, QUALITY_LETTERS, THEMES as THEME_CHOICES)


class UsageProblem(click.ClickException):
    """A usage error printed as one line ("Error: ..."), exit code 2."""

    exit_code = 2


def one_line_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the library's errors into click errors: one line, exit 2, no traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from attention_math import AttentionError

        verbose = click.get_current_context().find_root().params.get("verbose")
        try:
            return func(*args, **kwargs)
        except AttentionError as exc:
            if verbose:
                raise
            raise UsageProblem(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("Interrupted: stopped rendering; no partial file was left and earlier outputs are intact.",
                       err=True)
            exit_interrupted()
        except Exception as exc:
            if verbose:
                raise
            cause = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise click.ClickException(f"{type(exc).__name__}: {cause} (run with --verbose for details)") from None

    return wrapper


def exit_interrupted() -> NoReturn:
    """Exit with 130 now. The render's own cleanup has run (its temporary files are gone); a library
    thread still waiting for work it will never get (a video encoder cut off mid-segment) must not
    keep the process alive, as the interpreter would wait for it at exit."""
    lingering = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon and t.is_alive()]
    if lingering:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    sys.exit(130)


class OneLineGroup(click.Group):
    """Click's usage errors as one line too ("Error: ...", exit 2), without the usage banner."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.ClickException as exc:
            message = " ".join(exc.format_message().split())
            hint = " (see --help)" if isinstance(exc, click.UsageError) else ""
            click.echo(f"Error: {message}{hint}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=OneLineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--verbose", is_flag=True, help="Show tracebacks and manim's own logs.")
def cli(verbose: bool) -> None:
    """Attention in transformers, animated from real tensors."""
    import logging

    notes = logging.getLogger("attention_animated")
    if not notes.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("note: %(message)s"))
        notes.addHandler(handler)
        notes.propagate = False
    if not verbose:
        logging.getLogger("torch").setLevel(logging.WARNING)    # e.g. its cache statistics at exit


# --- trace -----------------------------------------------------------------------------------

def trace_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed([
        click.option("--sentence", "-s", default=DEFAULT_SENTENCE, show_default=True, help="The sentence to trace."),
        click.option("--model", type=click.Choice(MODEL_CHOICES), default="minilm", show_default=True),
        click.option("--layer", type=int, default=0, show_default=True, help="Which attention layer to trace."),
        click.option("--heads", type=int, default=None, help="Number of heads (toy model only; must divide 12)."),
        click.option("--causal/--no-causal", default=False, show_default=True, help="Mask future keys."),
        click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed of the toy weights."),
        click.option("--device", default="cpu", show_default=True, help="auto, cpu, cuda or cuda:N."),
        click.option("--special-tokens/--no-special-tokens", default=True, show_default=True,
                     help="MiniLM: read the sentence with [CLS]/[SEP], as the model was trained."),
        click.option("--words/--pieces", default=False, show_default=True,
                     help="MiniLM: merge word pieces into words as the scenes show them (the model's own "
                          "tensors kept as pieces.<name>), or trace the model's own tokens."),
    ]):
        func = option(func)
    return func


@cli.command()
@trace_options
@click.option("--context", default=None, help="Cross-attention: keys and values from this second sentence.")
@click.option("--target", default=None,
              help="--model translator: the translation whose queries read the sentence [default: its own, greedy].")
@click.option("--format", "fmt", type=click.Choice(["json", "npz", "table"]), default=None,
              help="Output format (default: from -o's suffix, else a table on a terminal, else json).")
@click.option("--tensors", default=None, help="Comma-separated tensor names to export "
                                              "(default: the tensors the scenes show; see --all-tensors).")
@click.option("--all-tensors", is_flag=True, help="Also the weights, the per-head d-wide products and every layer.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write to this file.")
@one_line_errors
def trace(sentence: str, model: str, layer: int, heads: int | None, causal: bool, seed: int, device: str,
          special_tokens: bool, words: bool, context: str | None, target: str | None, fmt: str | None,
          tensors: str | None, all_tensors: bool, output: str | None) -> None:
    """Trace one attention layer and print or save every intermediate tensor.

    With --model translator, the cross-attention of the sentence's translation reading it
    (tokens: the translation; context_tokens: the English sentence)."""
    from attention_math import InputError, build_trace
    from attention_math.files import atomic_write_bytes

    result = build_trace(sentence, model=model, layer=layer, heads=heads, causal=causal, seed=seed,
                         device=device, context=context, special_tokens=special_tokens, target=target, words=words)
    names = [n.strip() for n in tensors.split(",")] if tensors else None
    unknown = sorted(set(names or []) - set(result.tensors))
    if unknown:
        raise InputError(f"unknown tensor {unknown[0]!r}: choose from {', '.join(result.tensors)}")
    fmt = fmt or (output.rsplit(".", 1)[-1] if output and "." in output else None)
    fmt = fmt or ("table" if output is None and sys.stdout.isatty() else "json")
    if fmt not in ("json", "npz", "table"):
        raise InputError(f"cannot tell the format of {output!r}: name it .json or .npz, or pass --format")
    if fmt == "table":
        from attention_math.report import print_trace_table

        print_trace_table(result, names)
        return
    if names and all_tensors:
        raise InputError("--tensors names the tensors and --all-tensors asks for all: pass one of them")
    if names is None and not all_tensors:
        names = result.shown_tensors()
    data = result.to_json(names).encode("utf-8") if fmt == "json" else result.to_npz_bytes(names)
    if output:
        atomic_write_bytes(output, data)
        click.echo(output, err=True)
    elif fmt == "npz" and sys.stdout.isatty():
        raise InputError("npz is binary: write it to a file with -o trace.npz")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


@cli.command()
@click.argument("sentence")
@click.option("--device", default="cpu", show_default=True, help="auto, cpu, cuda or cuda:N.")
@one_line_errors
def translate(sentence: str, device: str) -> None:
    """Translate an English sentence of tiny-gpt's words with the translator trained here (greedy)."""
    from attention_math import get_source, resolve_device
    from attention_math.tokenize import clean_sentence

    click.echo(" ".join(get_source("translator", device=resolve_device(device)).translate(clean_sentence(sentence))))


# --- params ----------------------------------------------------------------------------------

@cli.command()
@click.option("--preset", "preset_name", default=None, help="A named model, e.g. gpt3-175b or gpt2-small.")
@click.option("--d-model", type=int)
@click.option("--n-heads", type=int)
@click.option("--d-head", type=int)
@click.option("--n-layers", type=int)
@click.option("--vocab", type=int)
@click.option("--context", type=int)
@click.option("--d-mlp", type=int)
@click.option("--untied", is_flag=True, help="Count a separate unembedding matrix.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--list", "list_presets", is_flag=True, help="List the presets.")
@one_line_errors
def params(preset_name: str | None, as_json: bool, list_presets: bool, untied: bool, **sizes: int | None) -> None:
    """Count a transformer's parameters, part by part (default: GPT-3 175B)."""
    from attention_math.params import PRESETS, count_parameters, custom_config
    from attention_math.report import print_parameter_table

    if list_presets:
        click.echo("\n".join(PRESETS))
        return
    count = count_parameters(custom_config(preset_name, untied=untied, **sizes))
    if as_json:
        click.echo(json.dumps(count.as_dict(), indent=2))
    else:
        print_parameter_table(count)


# --- heads -----------------------------------------------------------------------------------

@cli.command()
@click.option("--sentence", "-s", default=DEFAULT_SENTENCE, show_default=True)
@click.option("--focus", default="creature:fluffy,blue", show_default=True, help="QUERY:KEY[,KEY...]")
@click.option("--model", type=click.Choice(MODEL_CHOICES), default="minilm", show_default=True)
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--device", default="cpu", show_default=True)
@one_line_errors
def heads(sentence: str, focus: str, model: str, top: int, device: str) -> None:
    """Rank every (layer, head) by the attention from a query word to some key words."""
    from attention_math import find_heads, parse_focus
    from attention_math.report import print_head_table

    query, keys = parse_focus(focus)
    print_head_table(find_heads(sentence, query, keys, model=model, device=device)[:top], query, keys)


# --- scenes ----------------------------------------------------------------------------------

@cli.command("list")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: a list of {name, description}, or one scene's beats.")
@click.option("--vocab", is_flag=True, help="Print tiny-gpt's vocabulary instead.")
@one_line_errors
def list_scenes(name: str | None, as_json: bool, vocab: bool) -> None:
    """Name every scene, with a line on what it shows; with NAME, that scene's beats (the names --at takes).

    NAME is a built-in scene or a scene file of your own (path/to/file.py[:SceneName])."""
    from scenes.catalog import CATALOG

    if vocab:
        from attention_math.synthetic import VOCAB

        click.echo(" ".join(w for w in VOCAB if w != "<pad>"))
        return
    if name is not None:
        from scenes.output.beats import scene_beats

        info = scene_beats(name)
        if as_json:
            click.echo(json.dumps(info, indent=2, ensure_ascii=False))
            return
        click.echo(f"{info['name']}: {info['description']}" if info["description"] else info["name"])
        for beat in info["beats"]:
            when = info["when"].get(beat)
            click.echo(f"  {beat}" + (f"    (only with {when})" if when else ""))
        first = info["beats"][0] if info["beats"] else "SECTION"
        click.echo(f'a still at the end of a beat: attention-render render {info["spec"]} --at "{first}"')
        return
    rows = [{"name": scene, "description": entry.description} for scene, entry in CATALOG.items()]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(f"{row['name']:24} {row['description']}" for row in rows))


def scene_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options that shape what a scene shows. Defaults are None so a settings file can fill them."""
    for option in reversed([
        click.option("--config", "config", type=click.Path(dir_okay=True), default=None,
                      help="A TOML settings file (see docs/settings.example.toml); options override it."),
        click.option("--sentence", "-s", default=None, help=f"The sentence [default: {DEFAULT_SENTENCE}]."),
        click.option("--model", type=click.Choice(MODEL_CHOICES), default=None,
                     help="Weights [default: for the story's scenes and AttentionBlock, tiny-gpt when it knows "
                          "every word, else minilm; translator for CrossAttention when it knows every word; "
                          "minilm for the others]."),
        click.option("--context", default=None, help="CrossAttention with minilm: the second sentence it reads."),
        click.option("--target", default=None, help="CrossAttention with the translator: the translation "
                                                    "[default: its own]."),
        click.option("--layer", type=int, default=None, help="Layer to show (default: the model's teaching head)."),
        click.option("--head", type=int, default=None, help="Head to show (default: the model's teaching head)."),
        click.option("--heads", type=int, default=None, help="Number of heads (toy model only; must divide 12)."),
        click.option("--focus", default=None, help="QUERY:KEY[,KEY]: show the head the head finder ranks first."),
        click.option("--causal/--no-causal", default=None, help="Mask future keys where the scene allows either."),
        click.option("--seed", type=int, default=None, help="Seed of the toy weights [default: 0]."),
        click.option("--device", default=None, help="auto, cpu, cuda or cuda:N [default: cpu]."),
        click.option("--query-token", default=None, help="The token whose update is followed [default: creature, else the last word]."),
        click.option("--special-tokens/--no-special-tokens", default=None,
                     help="MiniLM: read the sentence with [CLS]/[SEP] (their weight is one key, [CLS]+[SEP]) or without."),
        click.option("--pieces/--words", default=None,
                     help="MiniLM: show the model's own tokens (word pieces, [CLS], [SEP]) instead of one row and "
                          "column per word [default: --words]."),
        click.option("--theme", type=click.Choice(THEME_CHOICES), default=None,
                     help="dark-cb and light-cb are colour-blind-safe [default: dark]."),
        click.option("--cells", type=click.Choice(CELLS), default=None,
                     help="The attention pattern as dots (area ∝ weight), numbers or both [default: dots]; "
                          "dots take up to 48 words, numbers 14."),
        click.option("--preset", default=None, help="ParameterCount's model, e.g. gpt2-small [default: gpt3-175b]."),
        click.option("--output", "-o", type=click.Path(), default=None, help="Output directory [default: media]."),
        click.option("--jobs", "-j", type=int, default=None, help="Render scenes in N parallel processes."),
        click.option("--force", is_flag=True, help="Render even when an unchanged output is up to date."),
        click.option("--quiet", is_flag=True, help="No progress display; print only the paths written."),
    ]):
        func = option(func)
    return func


QUALITY_CHOICES = tuple(QUALITIES)


class QualityChoice(click.Choice):
    """A quality by name, or by manim's letter: -ql, -qm, -qh, -qp, -qk (= -q l …)."""

    def __init__(self) -> None:
        super().__init__(QUALITY_CHOICES)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return super().convert(QUALITY_LETTERS.get(value, value), param, ctx)


def quality_option(default_text: str) -> Callable[..., Any]:
    return click.option("--quality", "-q", type=QualityChoice(), default=None,
                        help=f"low 480p15, medium 720p30, high 1080p60, production 1440p60, 4k 2160p60; "
                             f"manim's -ql -qm -qh -qp -qk work too [default: {default_text}].")


def size_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--resolution", default=None, help="WIDTHxHEIGHT (overrides the quality's).")(func)
    return click.option("--fps", type=int, default=None, help="Frame rate (overrides the quality's).")(func)


def _render_requests(requests: list, jobs: int, force: bool, quiet: bool) -> list:
    """Render with a progress display (unless quiet); one-line error if any scene failed."""
    from scenes.output.pool import render_many, terminate_as_interrupt
    from scenes.output.report import RenderProgress

    verbose = bool(click.get_current_context().find_root().params.get("verbose"))
    with terminate_as_interrupt():
        if quiet:
            return render_many(requests, jobs=jobs, verbose=verbose, force=force)
        with RenderProgress(requests) as progress:
            return render_many(requests, jobs=jobs, verbose=verbose, force=force, progress=progress)


def _fail_if_any(results: list) -> None:
    failed = [r for r in results if not r.ok]
    if failed:
        first = failed[0]
        if len(results) == 1 and first.usage_error:     # --at naming no section, a scene file's scene raised: exit 2
            raise UsageProblem(first.error)
        raise click.ClickException(f"{len(failed)} of {len(results)} scenes failed; "
                                   f"{first.request.scene_name}: {first.error}")


@cli.command()
@click.argument("names", nargs=-1)
@click.option("--all", "all_scenes", is_flag=True, help="Render every scene.")
@scene_options
@quality_option(DEFAULT_QUALITY)
@size_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="png: the last frame as a still [default: mp4].")
@click.option("--at", "at", default=None, metavar="SECTION",
              help="A still (png) at the end of this section (beat) instead of the last frame.")
@click.option("--transparent/--opaque", default=None, help="Alpha channel (webm, mov or png; alone: mov).")
@click.option("--name", default=None, help="The output's file name [default: <Scene>_<theme>_<quality>, "
                                           "plus a tag when the content is not the default].")
@click.option("--sections/--no-sections", default=None, help="Also write one clip per section (for lectures).")
@one_line_errors
def render(names: tuple[str, ...], all_scenes: bool, config: str | None, jobs: int | None, force: bool,
           quiet: bool, fmt: str | None, at: str | None, **options: Any) -> None:
    """Render scenes into the output directory; prints a table of what was written.

    NAMES are built-in scenes (see `list`) or scene files of your own: path/to/file.py:SceneName,
    or path/to/file.py when it holds one scene (see `new` and docs/your-own-scene.md)."""
    from scenes.output.settings_file import plan_renders
    from scenes.output.report import print_results

    fmt = fmt or ("png" if at else None)          # --at is a still
    requests, jobs = plan_renders(list(names), all_scenes, {**options, "format": fmt, "jobs": jobs, "at": at}, config)
    results = _render_requests(requests, jobs, force, quiet)
    if len(results) == 1 and results[0].usage_error:
        raise UsageProblem(results[0].error)       # e.g. --at naming no section: only the one-line fix
    if quiet:
        if any(r.ok for r in results):
            click.echo("\n".join(str(r.path) for r in results if r.ok))
    elif not all(r.usage_error for r in results):      # when each failed on bad input, its one line says it all
        print_results(results)
    _fail_if_any(results)


@cli.command()
@click.argument("names", nargs=-1)
@click.option("--all", "all_scenes", is_flag=True, help="A deck of every scene.")
@scene_options
@quality_option("high")
@size_options
@click.option("--deck", default=None, type=click.Path(), help="The deck's folder [default: <output>/slides].")
@one_line_errors
def slides(names: tuple[str, ...], all_scenes: bool, config: str | None, jobs: int | None, force: bool,
           quiet: bool, quality: str | None, deck: str | None, **options: Any) -> None:
    """A slide deck that plays offline: one slide per section, <output>/slides/index.html."""
    from pathlib import Path

    from scenes.output.settings_file import plan_renders
    from scenes.kit.palette import THEMES
    from scenes.output.slides import write_deck

    requests, jobs = plan_renders(list(names), all_scenes, {**options, "jobs": jobs, "quality": quality,
                                                            "sections": True, "format": "mp4"}, config,
                                  defaults={"quality": "high"})
    results = _render_requests(requests, jobs, force, quiet)
    _fail_if_any(results)
    folder = Path(deck) if deck else requests[0].output_dir / "slides"
    index = write_deck(results, folder, THEMES[requests[0].settings.theme].background.to_hex())
    click.echo(str(index))


@cli.command()
@click.argument("names", nargs=-1)
@click.option("--all", "all_scenes", is_flag=True, help="A sheet for every scene.")
@scene_options
@quality_option("medium, 720p")
@size_options
@click.option("--frames", "count", type=click.IntRange(min=4, max=200), default=24, show_default=True,
              help="Frames per sheet (every section's end and middle are always among them).")
@one_line_errors
def sheet(names: tuple[str, ...], all_scenes: bool, config: str | None, jobs: int | None, force: bool,
          quiet: bool, quality: str | None, count: int, **options: Any) -> None:
    """Contact sheets: frames spread over each scene, every section's end among them, one PNG per scene."""
    from scenes.output.contact_sheet import contact_sheet
    from scenes.output.settings_file import plan_renders

    requests, jobs = plan_renders(list(names), all_scenes, {**options, "jobs": jobs, "quality": quality,
                                                            "sections": True, "format": "mp4"}, config,
                                  defaults={"quality": "medium"})
    results = _render_requests(requests, jobs, force, quiet)
    _fail_if_any(results)
    for result in results:
        out = result.path.parent / "sheets" / (result.path.stem + ".png")
        click.echo(str(contact_sheet(result.path, result.sections, out, count=count)))


@cli.command()
@click.argument("name")
@click.option("--from", "from_scene", default=None, help="Start from a copy of this built-in scene (see `list`).")
@one_line_errors
def new(name: str, from_scene: str | None) -> None:
    """Write a short, commented scene file that renders as it is: NAME is a class (DotsSoftmax →
    dots_softmax.py) or a file (my_dots.py); a minimal grid scene, or a copy of --from SCENE."""
    from scenes.output.new_scene import write_new_scene

    path = write_new_scene(name, from_scene)
    click.echo(str(path))
    click.echo(f"render it: attention-render render {path} --resolution 256x144 --fps 5", err=True)


@cli.command()
@click.option("--model", type=click.Choice(["tiny-gpt", "translator"]), default="tiny-gpt", show_default=True)
@click.option("--steps", type=click.IntRange(min=1), default=None, help="[default: 3000 tiny-gpt, 1500 translator]")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--output", "-o", type=click.Path(file_okay=False), default=None,
              help="Folder for the .safetensors and .json [default: attention_math/weights].")
@one_line_errors
def train(model: str, steps: int | None, seed: int, output: str | None) -> None:
    """Train tiny-gpt (about a minute on 2 cores) or the translator (a few minutes) from its seed."""
    from pathlib import Path

    if model == "translator":
        _train_translator(steps, seed, output)
        return
    from attention_math.tiny_gpt import WEIGHTS_DIR, TrainConfig, save, train as train_model

    steps = 3000 if steps is None else steps

    model, report = train_model(TrainConfig(steps=steps, seed=seed), log=lambda line: click.echo(line, err=True))
    path = save(model, report, Path(output) if output else WEIGHTS_DIR)
    e = report["evaluation"]
    click.echo(f"{path}: held-out accuracy {e['accuracy']:.1%} (chance {e['chance']:.1%}); layer {e['head'][0]} "
               f"head {e['head'][1]} sends {e['noun_to_adjectives']:.2f} of a noun's attention to its adjectives "
               f"(random earlier tokens {e['control']:.2f}, untrained {e['untrained']:.2f})")


def _train_translator(steps: int | None, seed: int, output: str | None) -> None:
    from pathlib import Path

    from attention_math.translator import WEIGHTS_DIR, TrainConfig, save, train as train_model

    cfg = TrainConfig(seed=seed) if steps is None else TrainConfig(steps=steps, seed=seed)
    model, report = train_model(cfg, log=lambda line: click.echo(line, err=True))
    path = save(model, report, Path(output) if output else WEIGHTS_DIR)
    e = report["evaluation"]
    click.echo(f"{path}: held-out exact match {e['exact_match']:.1%} (word by word {e['baseline_exact_match']:.1%}), "
               f"words {e['token_accuracy']:.1%} ({e['baseline_token_accuracy']:.1%}); layer {e['head'][0]} head "
               f"{e['head'][1]} aligns {e['alignment']:.0%} of words to their source word (adjectives "
               f"{e['alignment_adjectives']:.0%}; untrained {e['untrained']:.0%}, chance {e['chance']:.0%})")


@cli.command()
@click.option("--output", "-o", type=click.Path(), default="media", show_default=True,
              help="Folder, created when missing (relative to the current folder).")
@quality_option(DEFAULT_QUALITY)
@click.pass_context
def demo(ctx: click.Context, output: str, quality: str | None) -> None:
    """The README's demo: ScaledSoftmax on the default sentence at low quality, into ./media."""
    ctx.invoke(render, names=("ScaledSoftmax",), output=output, quality=quality)


if __name__ == "__main__":
    cli()
