"""The pyarrow equivalent of generate-arrow-fixture.cs (which the repository uses, since CI has no pyarrow).

Writes the same tiny datasets with pyarrow.parquet: list<float> columns with nullable elements (max definition
level 3) and nullable strings; arrow-written with Arrow's defaults, arrow-plain-pages-v1/-v2 without a dictionary,
Snappy, pages of a few values, data pages of version 1 or 2. Run:  python3 generate_arrow_fixture.py OUT_ROOT
"""
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
SEGMENTS, AUDIO_DIM, CHANNELS = 2, 4, 3
PLAIN_PAGES = dict(use_dictionary=False, compression="snappy", data_page_size=16, write_batch_size=5, write_page_checksum=True)


def write_dataset(name, videos, **options):
    out = root / name
    out.mkdir(parents=True, exist_ok=True)
    audio = [[float(v * 100 + i) for i in range(SEGMENTS * AUDIO_DIM)] if v != 1 else None for v in range(videos)]
    visual = [[float(-(v * 100 + i)) for i in range(SEGMENTS * CHANNELS)] if v != 2 else None for v in range(videos)]
    pq.write_table(pa.table({
        "video_id": pa.array([f"v{v}" for v in range(videos)]),
        "audio": pa.array(audio, type=pa.list_(pa.float32())),
        "visual": pa.array(visual, type=pa.list_(pa.float32())),
    }), out / "val.videos.parquet", row_group_size=16, **options)
    questions = [
        ["1", "v0", "How many instruments are sounding?", "Audio/Counting", "How many instruments are sounding?", "two"],
        ["2", "v1", "Is the violin on the left?", "Visual/Location", "Is the <Object> on the <LR>?", "yes"],
        ["3", "v2", "Which is louder, the violin or the piano?", "Audio-Visual/Comparative", "Which is louder, the <Object> or the <Object>?", "piano"],
        ["4", "v0", "Is the piano playing?", "Audio-Visual/Existential", "Is the <Object> playing?", "no"],
    ]
    names = ["question_id", "video_id", "question", "question_type", "template", "answer"]
    pq.write_table(pa.table({n: [q[i] for q in questions] for i, n in enumerate(names)}), out / "val.questions.parquet")
    (out / "dataset.json").write_text(json.dumps({
        "format": "avqa-dataset", "schemaVersion": "1.0",
        "shape": {"segments": SEGMENTS, "audioDim": AUDIO_DIM, "visualDims": [CHANNELS]},
        "splits": {"val": {"videosFile": "val.videos.parquet", "questionsFile": "val.questions.parquet", "videos": videos, "questions": 4}},
    }, indent=2))


write_dataset("arrow-written", 3)
write_dataset("arrow-plain-pages-v1", 6, data_page_version="1.0", **PLAIN_PAGES)
write_dataset("arrow-plain-pages-v2", 6, data_page_version="2.0", **PLAIN_PAGES)
