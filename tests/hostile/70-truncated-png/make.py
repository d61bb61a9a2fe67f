"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    import io, random
    from PIL import Image
    rng = random.Random(1)
    image = Image.frombytes("RGB", (200, 200), bytes(rng.randrange(256) for _ in range(200 * 200 * 3)))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    data = buffer.getvalue()
    (folder / "cut.png").write_bytes(data[: len(data) // 2])
