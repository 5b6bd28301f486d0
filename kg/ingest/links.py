"""Typing the links of an entry (pdf, code, homepage, dataset, model) and finding arXiv ids."""

from __future__ import annotations

import re

from kg.model import LinkKind
from kg.text import fold

__all__ = ["arxiv_id_of", "link_kind"]

_ARXIV = [
    re.compile(r"^https?://(?:www\.)?arxiv\.org/(?:abs|pdf|html)/(\d{4}\.\d{4,5})(?:v\d+)?"),
    re.compile(r"^https?://huggingface\.co/papers/(\d{4}\.\d{4,5})\b"),
]
_LABELS = {
    "github": LinkKind.CODE,
    "code": LinkKind.CODE,
    "gitlab": LinkKind.CODE,
    "home page": LinkKind.HOMEPAGE,
    "homepage": LinkKind.HOMEPAGE,
    "project": LinkKind.HOMEPAGE,
    "project page": LinkKind.HOMEPAGE,
    "website": LinkKind.HOMEPAGE,
    "pdf": LinkKind.PDF,
    "paper": LinkKind.PDF,
    "dataset": LinkKind.DATASET,
    "data": LinkKind.DATASET,
    "model": LinkKind.MODEL,
}


def _looks_like_pdf(url: str) -> bool:
    path = url.split("#", 1)[0]
    return (
        path.lower().endswith(".pdf") or "/pdf/" in path or re.search(r"/pdf\?", path) is not None
    )


def _huggingface_kind(url: str) -> LinkKind:
    if "/datasets/" in url:
        return LinkKind.DATASET
    if "/papers/" in url:
        return LinkKind.PAPER_PAGE
    if "/spaces/" in url:
        return LinkKind.HOMEPAGE
    return LinkKind.MODEL


def link_kind(label: str, url: str, *, is_title: bool = False) -> LinkKind:
    """Classify a link by its label, falling back on what its URL looks like.

    >>> link_kind("Hugging Face", "https://huggingface.co/datasets/nvidia/OpenMathInstruct-1")
    <LinkKind.DATASET: 'dataset'>
    >>> link_kind("", "https://arxiv.org/pdf/2304.12244", is_title=True)
    <LinkKind.PDF: 'pdf'>
    """
    host = url.split("/")[2].lower() if url.count("/") >= 2 else ""
    if host.endswith("huggingface.co"):
        return _huggingface_kind(url)
    if not is_title:
        name = fold(label).strip(" []")
        if name in _LABELS:
            return _LABELS[name]
        if name in {"hugging face", "huggingface", "hf"}:
            return _huggingface_kind(url)
    if host in {"github.com", "gitlab.com"}:
        return LinkKind.CODE
    if _looks_like_pdf(url):
        return LinkKind.PDF
    return LinkKind.HOMEPAGE


def arxiv_id_of(url: str) -> str | None:
    """The arXiv id (without version) a URL reveals, if any.

    >>> arxiv_id_of("https://arxiv.org/abs/2412.02980v2")
    '2412.02980'
    """
    for pattern in _ARXIV:
        match = pattern.match(url)
        if match:
            return match.group(1)
    return None
