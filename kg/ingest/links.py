"""Typing the links of an entry and reading what their URLs reveal.

A link is classified by its label first (``[pdf]``, ``[code]``, ``:octocat:``), then by
its URL (host and path): code hosts, video and blog hosts, Hugging Face pages, PDFs.
:func:`is_paper_url` says whether a URL points at the paper itself (arXiv, OpenReview,
ACL Anthology, a DOI, a publisher's or proceedings page, a PDF): the strongest sign that
an entry is a paper. arXiv ids come from any arXiv link form (abs, pdf, html, versioned,
``arXiv:`` prefixed), DOIs from doi.org and publisher links that carry one.
"""

from __future__ import annotations

import functools
import re

from kg.model import LinkKind
from kg.text import fold

__all__ = [
    "arxiv_id_of",
    "is_id_label",
    "badge_text",
    "doi_of",
    "host_of",
    "is_generic_label",
    "is_paper_url",
    "link_kind",
]

_ARXIV = [
    re.compile(
        r"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html|format)/(?:arxiv:)?(\d{4}\.\d{4,5})(?:v\d+)?",
        re.I,
    ),
    re.compile(
        r"^https?://(?:www\.)?(?:huggingface\.co/papers|alphaxiv\.org/abs)/(\d{4}\.\d{4,5})\b"
    ),
]
_DOI = re.compile(r"(?:doi\.org/|/doi/(?:abs/|full/|pdf/|epdf/)?)(10\.\d{4,9}/[^\s?#]+)", re.I)
_LABEL_PUNCTUATION = re.compile(r"[\[\](){}<>:*_`'\"!|.,;]+")
_PAPER_HOSTS = (
    "arxiv.org", "openreview.net", "aclanthology.org", "aclweb.org", "doi.org", "dl.acm.org",
    "ieeexplore.ieee.org", "link.springer.com", "sciencedirect.com", "nature.com",
    "science.org", "sciencemag.org", "proceedings.neurips.cc", "papers.nips.cc",
    "papers.neurips.cc", "neurips.cc", "nips.cc", "icml.cc", "iclr.cc",
    "proceedings.mlr.press", "jmlr.org", "openaccess.thecvf.com", "ecva.net", "ojs.aaai.org",
    "aaai.org", "ijcai.org", "semanticscholar.org", "biorxiv.org", "medrxiv.org",
    "researchgate.net", "ncbi.nlm.nih.gov", "pubmed", "academic.oup.com",
    "onlinelibrary.wiley.com", "mdpi.com", "isca-speech.org", "isca-archive.org",
    "ssrn.com", "frontiersin.org", "plos.org", "cell.com", "pnas.org", "vldb.org",
    "usenix.org", "jstor.org", "tandfonline.com", "sagepub.com", "iopscience.iop.org",
    "computer.org", "acm.org", "ieee.org", "springer.com", "elsevier.com", "hal.science",
    "hal.archives-ouvertes.fr", "papers.ssrn.com", "bmcbioinformatics", "biomedcentral.com",
    "genome.cshlp.org", "cv-foundation.org", "mlsys.org", "roboticsproceedings.org",
    "aclanthology.info", "anthology.aclweb.org", "scholar.archive.org", "alphaxiv.org",
    "paperswithcode.com/paper", "huggingface.co/papers", "dblp.org",
)  # fmt: skip
_ID_LABEL = re.compile(
    r"^(?:arxiv:?\s*)?\d{4}\.\d{4,5}(?:v\d+)?$|^(?:doi:?\s*)?10\.\d{4,9}/\S+$", re.I
)
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "gitee.com", "sourceforge.net")
_VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "bilibili.com", "slideslive.com")
_BLOG_HOSTS = ("medium.com", "substack.com", "blog.", "wordpress.com", "towardsdatascience.com")
_GENERIC = {
    "paper", "pdf", "arxiv", "code", "github", "gitlab", "project", "project page", "website",
    "web", "homepage", "home page", "home", "page", "link", "links", "url", "demo", "video",
    "videos", "slides", "slide", "talk", "poster", "blog", "post", "data", "dataset",
    "datasets", "model", "models", "weights", "checkpoint", "checkpoints", "doi", "abs",
    "abstract", "html", "openreview", "official", "offl", "supp", "supplementary", "bib",
    "bibtex", "citation", "repo", "repository", "source", "src", "hugging face",
    "huggingface", "hf", "leaderboard", "benchmark", "colab", "notebook", "docs",
    "documentation", "api", "here", "download", "star", "stars", "media", "press", "news",
    "journal", "conference", "preprint", "extension", "official code", "unofficial code",
    "pytorch", "tensorflow", "jax", "report", "tech report", "technical report", "survey",
    "springer", "ieee", "acm", "nature", "science", "sciencedirect", "semantic scholar",
    "google scholar", "dblp", "youtube", "twitter", "x", "tweet", "zhihu", "bilibili",
    "知乎", "论文", "代码", "octocat", "clapper", "bar_chart", "memo", "page_facing_up",
    "computer", "link icon", "github icon", "paper icon",
}  # fmt: skip
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


def host_of(url: str) -> str:
    """The lower-cased host of an absolute URL (empty when there is none)."""
    parts = url.split("/")
    return parts[2].lower().split("@")[-1].split(":")[0] if len(parts) > 2 else ""


def _on(host_path: str, hosts: tuple[str, ...]) -> bool:
    return any(h in host_path for h in hosts)


@functools.lru_cache(maxsize=16384)
def is_id_label(label: str) -> bool:
    """Whether a link label is an identifier (``arXiv:2005.14165``, ``10.1000/x``), not a name.

    >>> is_id_label("arXiv:2005.14165"), is_id_label("Nature")
    (True, False)
    """
    return _ID_LABEL.match(label.strip(" []()")) is not None


def is_generic_label(label: str) -> bool:
    """Whether a link label says what kind of link it is rather than naming a paper.

    >>> is_generic_label("[pdf]"), is_generic_label(":octocat:"), is_generic_label("QMIX")
    (True, True, False)
    """
    if is_id_label(label):
        return True  # "arXiv:2005.14165", "2005.14165v2", "doi:10.1000/x": an id, no title
    name = _LABEL_PUNCTUATION.sub(" ", fold(label)).strip()
    if not name or name.startswith(("http://", "https://", "www.")):
        return True
    if not any(c.isalnum() for c in name):
        return True
    if name in _GENERIC:
        return True
    words = name.split()
    return len(words) <= 3 and all(w in _GENERIC for w in words)


@functools.lru_cache(maxsize=16384)
def is_paper_url(url: str) -> bool:
    """Whether ``url`` points at the paper itself (a paper host, a DOI, a PDF).

    >>> is_paper_url("https://arxiv.org/abs/2304.12244"), is_paper_url("https://github.com/a/b")
    (True, False)
    """
    host = host_of(url)
    if not host or _on(host, _CODE_HOSTS) and not _looks_like_pdf(url):
        return False
    rest = url.split("//", 1)[-1].lower()
    return _on(rest, _PAPER_HOSTS) or _looks_like_pdf(url) or doi_of(url) is not None


def doi_of(url: str) -> str | None:
    """The DOI a URL reveals (doi.org and publisher ``/doi/`` links), if any.

    >>> doi_of("https://doi.org/10.1093/bioinformatics/btm247")
    '10.1093/bioinformatics/btm247'
    """
    match = _DOI.search(url)
    if match is None:
        return None
    doi = match.group(1).rstrip(".,;)")
    return doi if re.fullmatch(r"10\.\d{4,9}/\S+", doi) and len(doi) <= 300 else None


@functools.lru_cache(maxsize=16384)
def badge_text(src: str) -> str | None:
    """What a shields.io badge says (``label message``), from its image URL.

    >>> badge_text("https://img.shields.io/badge/Conference-ICML'23-blue")
    "Conference ICML'23"
    >>> badge_text("https://img.shields.io/badge/Spider--Syn-blue")
    'Spider-Syn'
    """
    match = re.search(r"img\.shields\.io/badge/([^?#]+)", src)
    if match is None:
        return None
    from urllib.parse import unquote

    path = unquote(match.group(1)).removesuffix(".svg")
    fields = [f.replace("\0", "-") for f in path.replace("--", "\0").split("-")]
    if len(fields) >= 2:
        fields = fields[:-1]  # the last field is the colour
    return " ".join(
        f.replace("__", "\0").replace("_", " ").replace("\0", "_") for f in fields
    ).strip()


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
    host = host_of(url)
    if host.endswith("huggingface.co") and "/blog/" not in url:
        return _huggingface_kind(url)
    if not is_title:
        name = re.sub(r"[\[\](){}:*_`]+", " ", fold(label)).strip()
        if name in _LABELS:
            return _LABELS[name]
        if name in {"hugging face", "huggingface", "hf"}:
            return _huggingface_kind(url)
        if name in {"octocat", "github icon"}:
            return LinkKind.CODE
        if name in {"video", "talk", "clapper", "youtube"}:
            return LinkKind.VIDEO
        if name in {"blog", "post", "blog post"}:
            return LinkKind.BLOG
    if _on(host, _CODE_HOSTS) and not _looks_like_pdf(url):
        return LinkKind.CODE
    if _on(host, _VIDEO_HOSTS):
        return LinkKind.VIDEO
    if _on(host, _BLOG_HOSTS) or re.search(r"/(?:blog|blogs|posts?)(?:/|$)", url.lower()):
        return LinkKind.BLOG
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
