"""Contact sheets: every section's end and middle are picked, and the frames are the right ones."""

from __future__ import annotations

import json

import av
import numpy as np
from PIL import Image

from scenes.output.contact_sheet import choose_frames, contact_sheet, decode_frames


def test_every_section_end_and_middle_is_picked():
    sections = [("scores", 2.0), ("scale", 1.0), ("softmax", 3.0)]
    picks = choose_frames(6.0, 10, sections, count=12)
    ends = [p for p in picks if p.why == "end"]
    assert [p.section for p in ends] == ["scores", "scale", "softmax"]
    assert [round(p.time, 2) for p in ends] == [1.9, 2.9, 5.9]
    assert [round(p.time, 2) for p in picks if p.why == "middle"] == [1.0, 2.5, 4.5]
    assert 8 <= len(picks) <= 12 and len({round(p.time, 3) for p in picks}) == len(picks) and [p.time for p in picks] == sorted(p.time for p in picks)


def _video(path, colours, fps=10):
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for colour in colours:
            frame = np.full((48, 64, 3), colour, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


def test_decoded_frames_are_those_shown_at_the_times(tmp_path):
    video = tmp_path / "v.mp4"
    _video(video, [(0, 0, 0)] * 10 + [(250, 250, 250)] * 10)     # dark for 1 s, then light
    dark, light = decode_frames(video, [0.95, 1.05])
    assert dark.mean() < 30 and light.mean() > 220


def test_sheet_shows_the_section_ends(tmp_path):
    video, sections = tmp_path / "v.mp4", tmp_path / "sections"
    _video(video, [(0, 0, 0)] * 10 + [(250, 250, 250)] * 10)
    sections.mkdir()
    (sections / "v.json").write_text(json.dumps([{"name": "a", "duration": 1.0}, {"name": "b", "duration": 1.0}]))
    out = contact_sheet(video, sections, tmp_path / "sheet.png", count=4, columns=2)
    image = np.asarray(Image.open(out).convert("L"))
    assert image.shape[1] == 2 * 64 + 3 * 8
    assert (image < 30).any() and (image > 220).any()
