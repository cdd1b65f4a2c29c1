"""Which encodings a browser's Accept-Encoding allows (delivery.py)."""

import pytest

from delivery import accepted_encodings


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip, deflate, br, zstd", {"gzip", "deflate", "br", "zstd"}),
        ("br;q=0, gzip;q=0.8", {"gzip"}),
        ("zstd;q=0.0,gzip", {"gzip"}),
        ("gzip;q=nonsense, br", {"br"}),
        ("", set()),
    ],
)
def test_an_encoding_given_no_weight_is_refused(header, accepted):
    assert accepted_encodings(header) == accepted
