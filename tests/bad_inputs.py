"""The bad-input table: each row is a test (tests/test_reliability.py) and a row of the README's
troubleshooting table (`python -m tests.bad_inputs` prints it).

Each case: what the user did, the arguments after `attention-render`, the exit code, and a
fragment of the one-line message. "{out}" is a fresh output folder, "{file}" a file in it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    what: str
    args: tuple[str, ...]
    code: int
    message: str
    config: str | bytes | None = None     # written to {out}/settings.toml first
    scene: str | None = None              # written to {out}/scene.py ("{scene}") first


R = ("render", "ScaledSoftmax", "-o", "{out}")
T = ("render", "ScaledSoftmax", "-o", "{out}", "--model", "toy")
FIFTEEN = " ".join(f"w{i}" for i in range(15))
S = ("-o", "{out}", "--model", "toy", "--resolution", "256x144", "--fps", "5")     # a scene file, rendered tiny
ONE_SCENE = "from scenes.kit import GridScene\n\nclass Mine(GridScene):\n    def construct(self):\n        self.wait(0.2)\n"
FORTY_NINE = " ".join(f"w{i}" for i in range(49))

CASES: list[Case] = [
    Case("empty sentence", (*R, "-s", ""), 2, "the sentence is empty"),
    Case("whitespace-only sentence", (*R, "-s", "  \t "), 2, "the sentence is empty"),
    Case("a single token", (*T, "-s", "hello"), 2, "attention needs at least two"),
    Case("more words than a scene of one's own shows", ("render", "{scene}", *S, "-s", FORTY_NINE), 2,
         "Mine shows at most 48: shorten it to 48 words", scene=ONE_SCENE),
    Case("more than 14 tokens with --cells numbers", (*T, "--cells", "numbers", "-s", FIFTEEN), 2,
         "ScaledSoftmax shows at most 14 with --cells numbers"),
    Case("more tokens than a pattern of dots shows", (*T, "-s", FORTY_NINE), 2, "shows at most 48: shorten it to 48 words"),
    Case("unknown way to draw cells", (*R, "--cells", "pie"), 2, "Invalid value for '--cells'"),
    Case("settings file: unknown cells", (*R, "--config", "{file}"), 2, "not a way to draw cells", "cells = \"pie\"\n"),
    Case("a control character in the sentence", (*T, "-s", "a\x07b c"), 2, "control character U+0007"),
    Case("negative layer", (*R, "--layer", "-1"), 2, "layer -1 is out of range"),
    Case("layer beyond the model", (*R, "--layer", "99"), 2, "layer 99 is out of range"),
    Case("head beyond the model", (*R, "--head", "12"), 2, "head 12 is out of range"),
    Case("negative seed", (*T, "--seed", "-5"), 2, "seed must be a non-negative integer"),
    Case("heads that do not divide d_model", (*T, "--heads", "5"), 2, "5 heads do not divide d_model 12"),
    Case("--heads with MiniLM", (*R, "--model", "minilm", "--heads", "4"), 2, "applies to the toy model only"),
    Case("unknown scene", ("render", "Nope", "-o", "{out}"), 2, "unknown scene 'Nope'"),
    Case("a typo in a scene name", ("render", "ScaledSoftmx", "-o", "{out}"), 2, "did you mean ScaledSoftmax?"),
    Case("--name with a folder in it", (*R, "--name", "clips/intro"), 2, "contains a path separator"),
    Case("one --name for several scenes", ("render", "ScaledSoftmax", "CausalMask", "-o", "{out}", "--name", "intro"), 2,
         "would both write intro.mp4"),
    Case("unknown model", (*R, "--model", "gpt5"), 2, "Invalid value for '--model'"),
    Case("unknown device", (*R, "--device", "tpu"), 2, "unknown device 'tpu'"),
    Case("frame rate 0", (*R, "--fps", "0"), 2, "choose a frame rate from 1 to 120"),
    Case("huge frame rate", (*R, "--fps", "100000"), 2, "choose a frame rate from 1 to 120"),
    Case("resolution that is not WxH", (*R, "--resolution", "big"), 2, "is not WIDTHxHEIGHT"),
    Case("huge resolution", (*R, "--resolution", "99999x99999"), 2, "at most 3840x2160"),
    Case("odd resolution", (*R, "--resolution", "255x144"), 2, "use even sizes"),
    Case("mp4 with --transparent", (*R, "--format", "mp4", "--transparent"), 2, "mp4 cannot hold transparency"),
    Case("gif with --transparent", (*R, "--format", "gif", "--transparent"), 2, "gif cannot hold transparency"),
    Case("--sections with a still", (*R, "--format", "png", "--sections"), 2, "--sections writes video clips"),
    Case("--at with a video format", (*R, "--at", "softmax", "--format", "mp4"), 2, "use it with --format png"),
    Case("--at naming no section", (*T, "--at", "nowhere"), 2, "has no section 'nowhere': choose one of"),
    Case("query token not in the sentence", (*R, "--query-token", "zebra"), 2, "'zebra' is not a token"),
    Case("--focus without a colon", (*R, "--focus", "creature"), 2, "is not QUERY:KEY"),
    Case("--focus on a missing word", (*R, "--focus", "zebra:blue"), 2, "'zebra' is not a word of the sentence"),
    Case("--jobs 0", (*R, "--jobs", "0"), 2, "--jobs must be at least 1"),
    Case("scene names and --all together", (*R, "--all"), 2, "name scenes or pass --all, not both"),
    Case("no scene named", ("render", "-o", "{out}"), 2, "name at least one scene"),
    Case("settings file missing", (*R, "--config", "{out}/missing.toml"), 2, "does not exist"),
    Case("settings file is a folder", (*R, "--config", "{out}"), 2, "is a directory"),
    Case("settings file malformed", (*R, "--config", "{file}"), 2, "is not valid TOML", "sentence = \"open\n"),
    Case("settings file mistyped value", (*R, "--config", "{file}"), 2, "'layer' must be an integer", "layer = \"5\"\n"),
    Case("settings file unknown key", (*R, "--config", "{file}"), 2, "unknown key 'colour'", "colour = \"red\"\n"),
    Case("settings file not UTF-8", (*R, "--config", "{file}"), 2, "is not UTF-8", b"sentence = \"caf\xe9\"\n"),
    Case("unknown colour role", (*R, "--config", "{file}"), 2, "unknown colour 'quary'", "[colors]\nquary = \"#ff0000\"\n"),
    Case("pacing out of range", (*R, "--config", "{file}"), 2, "pacing out of range", "[pacing]\nrun_time = 0\n"),
    Case("ParameterCount with an unknown preset", ("render", "ParameterCount", "-o", "{out}", "--preset", "gpt5"), 2,
         "unknown preset 'gpt5'"),
    Case("ContextShiftsMeaning with a word not in its sentences",
         ("render", "ContextShiftsMeaning", "-o", "{out}", "--config", "{file}"), 2, "every sentence must contain 'zebra'",
         "[scenes.ContextShiftsMeaning]\nshift_word = \"zebra\"\n"),
    Case("output folder inside a file", ("render", "ScaledSoftmax", "-o", "{file}/nope"), 2,
         "cannot create output directory", ""),
    Case("ContextShiftsMeaning with fewer references than sentences",
         ("render", "ContextShiftsMeaning", "-o", "{out}", "--config", "{file}"), 2, "one reference sentence",
         "[scenes.ContextShiftsMeaning]\nshift_references = [\"a furry mole\"]\n"),
    Case("output path is a file", ("render", "ScaledSoftmax", "-o", "{file}"), 2, "is a file, not a directory", ""),
    Case("scene file missing", ("render", "{out}/nope.py", *S), 2, "nope.py' does not exist: check the path"),
    Case("scene file without the class named", ("render", "{scene}:Nope", *S), 2, "has no class 'Nope': it defines Mine",
         scene=ONE_SCENE),
    Case("scene file: the class named is not a scene", ("render", "{scene}:Helper", *S), 2, "'Helper' in",
         scene=ONE_SCENE + "\nclass Helper:\n    pass\n"),
    Case("scene file holding two scenes, none named", ("render", "{scene}", *S), 2, "holds 2 scenes (Mine, Other)",
         scene=ONE_SCENE + "\nclass Other(GridScene):\n    def construct(self):\n        self.wait(0.2)\n"),
    Case("scene file that fails to import", ("render", "{scene}", *S), 2, "failed to import: ModuleNotFoundError",
         scene="import no_such_module\n"),
    Case("scene file with a syntax error", ("render", "{scene}", *S), 2, "failed to import: SyntaxError",
         scene="class Mine(:\n"),
    Case("scene of a file that raises while rendering", ("render", "{scene}", *S), 2,
         "Mine in scene.py raised ValueError: no such word (line 5)",
         scene=ONE_SCENE.replace("self.wait(0.2)", "raise ValueError('no such word')")),
    Case("trace to an unknown file type", ("trace", "--model", "toy", "-o", "{out}/t.txt"), 2, "cannot tell the format"),
    Case("translate a word the translator does not know", ("translate", "a zebra roamed the forest"), 2,
         "the translator does not know 'zebra'"),
    Case("--target with a word the translator's language lacks",
         ("trace", "--model", "translator", "--target", "un zèbre", "-o", "{out}/t.json"), 2, "has no word 'zèbre'"),
    Case("--target without the translator", ("trace", "--model", "toy", "--target", "un chat", "-o", "{out}/t.json"), 2,
         "--target applies to --model translator"),
    Case("the translator on a sentence it cannot read",
         ("render", "CrossAttention", "-o", "{out}", "--model", "translator", "-s", "the mole sat"), 2,
         "the translator does not know 'mole', 'sat'"),
]

# Input that looks odd but is valid: rendered, drawn literally (tests/test_reliability.py).
LITERAL = {
    "emoji": "the 🐱 sat",
    "combining accents (NFC-normalised)": "cafe\u0301 noir",
    "right-to-left script": "שלום עולם",
    "TeX": r"\input{/etc/passwd} $x$ 50% & \\",
    "Pango markup": "<b>bold</b> &amp; done",
    "a very long word (drawn cut with …)": "a pneumonoultramicroscopicsilicovolcanoconiosis cat",
}


def markdown_table() -> str:
    rows = ["| what you did | what you see (one line, no traceback) | exit |", "|---|---|---|"]
    for case in CASES:
        rows.append(f"| {case.what} | `Error: …{case.message}…` | {case.code} |")
    for what, sentence in LITERAL.items():
        rows.append(f"| {what} in the sentence | rendered; drawn literally as typed | 0 |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
