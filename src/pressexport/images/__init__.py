"""Images: article images normalised, generated covers and placeholders, all with deterministic bytes."""

from .covers import GENERATED_COVER, generate_cover
from .fonts import DEFAULT_FONTS_DIR
from .load import extension, load_image
from .normalise import print_greyscale
from .placeholders import placeholder_image

__all__ = ["DEFAULT_FONTS_DIR", "GENERATED_COVER", "extension", "generate_cover", "load_image", "placeholder_image", "print_greyscale"]
