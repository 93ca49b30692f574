"""The pyarrow equivalent of generate-arrow-fixture.cs (which the repository uses, since CI has no pyarrow).

Writes the same tiny dataset with pyarrow.parquet: list<float> columns with nullable elements (max definition
level 3) and nullable strings. Run:  python3 generate_arrow_fixture.py OUT_DIR
"""
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

out = Path(sys.argv[1] if len(sys.argv) > 1 else "arrow-written")
out.mkdir(parents=True, exist_ok=True)
SEGMENTS, AUDIO_DIM, CHANNELS = 2, 4, 3
audio = [[float(v * 100 + i) for i in range(SEGMENTS * AUDIO_DIM)] if v != 1 else None for v in range(3)]
visual = [[float(-(v * 100 + i)) for i in range(SEGMENTS * CHANNELS)] if v != 2 else None for v in range(3)]
pq.write_table(pa.table({
    "video_id": pa.array(["v0", "v1", "v2"]),
    "audio": pa.array(audio, type=pa.list_(pa.float32())),
    "visual": pa.array(visual, type=pa.list_(pa.float32())),
}), out / "val.videos.parquet", row_group_size=16)
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
    "splits": {"val": {"videosFile": "val.videos.parquet", "questionsFile": "val.questions.parquet", "videos": 3, "questions": 4}},
}, indent=2))
