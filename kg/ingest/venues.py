"""Venue badges: ``[**2024 Jul COLM**]`` -> year, month, venue, presentation.

Lists write venues loosely ("Arxiv", "ACM Computing Survey", "ICLR Oral"). A venue node
must have one canonical short name, so well-known venues are matched case-insensitively
against a small table; an unknown venue is kept exactly as written. A reading that
corrects the list's own spelling (not just its case) is reported as a warning.
"""

from __future__ import annotations

import re

from kg.text import fold

__all__ = ["MONTHS", "canonical_venue", "is_arxiv_venue", "is_known_venue", "year_in_url"]

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

# folded spelling -> canonical short name. Keys that differ from the canonical name by
# more than case are corrections and produce a warning.
_VENUES = {
    "arxiv": "arXiv",
    "iclr": "ICLR",
    "icml": "ICML",
    "neurips": "NeurIPS",
    "nips": "NeurIPS",
    "acl": "ACL",
    "emnlp": "EMNLP",
    "naacl": "NAACL",
    "eacl": "EACL",
    "coling": "COLING",
    "colm": "COLM",
    "aaai": "AAAI",
    "ijcai": "IJCAI",
    "kdd": "KDD",
    "tmlr": "TMLR",
    "jmlr": "JMLR",
    "cvpr": "CVPR",
    "iccv": "ICCV",
    "eccv": "ECCV",
    "math-ai": "MATH-AI",
    "acm computing surveys": "ACM Computing Surveys",
    "acm computing survey": "ACM Computing Surveys",
    "acm comput. surv.": "ACM Computing Surveys",
}

# Canonical names of widely used venues across fields; matched case-insensitively, so a
# list's "Iclr" or "neurips" reads as the venue everyone knows.
_MORE_VENUES = """
AAMAS AISTATS ALT AMIA ACCV ACM-MM ACMMM ASPLOS ATC BMVC CAV CHI CIKM CoLLAs CoNLL CoRL
COLT CSCW CVPR DAC DASFAA DISC EACL ECAI ECIR ECML ECML-PKDD EDBT EuroSys FAccT FAST
FOCS HPCA HRI ICAPS ICASSP ICC ICDCS ICDE ICDM ICLR ICME ICPR ICRA ICSE ICTAI IJCNLP
IJCNN INFOCOM Interspeech IPDPS IROS ISCA ISIT ISWC KR LREC MICCAI MLSys MM MobiCom
MobiSys MSDM NDSS NSDI OOPSLA OSDI PACT PAKDD PLDI PODS PODC POPL PPoPP RecSys RSS
RECOMB SC SDM SIGCOMM SIGGRAPH SIGIR SIGMOD SIGKDD SIGSPATIAL SODA SOSP SoCC STOC UAI
USENIX VLDB VLDBJ WACV WSDM WWW WebConf Middleware CCS S&P Oakland ESORICS ACSAC RAID
AsiaCCS EuroS&P CSF ICDCS NAACL-HLT INLG SemEval IWSLT WMT ASRU SLT ICCV ECCV 3DV
TPAMI TIP TNNLS TKDE TOIS TMM TCSVT TOG TVCG TASLP TIFS TDSC TKDD TIST TACL TMLR JMLR
PMLR JAIR AIJ IJCV PR TPDS TC TOCS TODS TOSEM TSE TWEB TPDS IJCAI AAAI KDD ICML NeurIPS
ACL EMNLP NAACL COLING COLM EACL AACL CVPR ISMIR ICONIP MIDL IPMI ISBI
"""
for _name in _MORE_VENUES.split():
    _VENUES.setdefault(fold(_name), _name)
_VENUES.update({"nips": "NeurIPS", "neurips": "NeurIPS", "the web conference": "WWW"})

_YEAR_IN_URL = [
    re.compile(
        r"^https?://proceedings\.(?:iclr|neurips|mlr)\.(?:cc|press)/paper_files/paper/(\d{4})/"
    ),
    re.compile(r"^https?://(?:iclr|neurips|icml)\.cc/virtual/(\d{4})/"),
    re.compile(r"^https?://aclanthology\.org/(\d{4})\."),
]


def canonical_venue(written: str) -> tuple[str, str | None]:
    """Return the canonical venue name and, if the spelling was corrected, a note.

    >>> canonical_venue("Arxiv")
    ('arXiv', None)
    >>> canonical_venue("ACM Computing Survey")[0]
    'ACM Computing Surveys'
    """
    canonical = _VENUES.get(fold(written).strip())
    if canonical is None:
        return written, None
    if fold(canonical) != fold(written):
        return canonical, f"venue {written!r} read as {canonical!r}"
    return canonical, None


_ARXIV_VENUE = re.compile(r"^(?:corr|arxiv(?:\.org)?(?:\s+(?:preprint|e-?prints?))?)\b", re.I)


def is_arxiv_venue(written: str) -> bool:
    """Whether ``written`` is a spelling of the arXiv preprint server as a venue.

    >>> is_arxiv_venue("arXiv preprint arXiv:1605.06409"), is_arxiv_venue("CoRR abs/1605.06409")
    (True, True)
    >>> is_arxiv_venue("Arxiv Insights")
    False
    """
    if written[:1] not in "aAcC":  # every spelling starts with arXiv or CoRR
        return False
    match = _ARXIV_VENUE.match(written)
    return match is not None and not re.search(
        r"[A-Za-z]", _ARXIV_ID_TEXT.sub("", written[match.end() :])
    )


_ARXIV_ID_TEXT = re.compile(r"(?:arxiv:\s*|abs/)?\d{4}\.\d{4,5}(?:v\d+)?|[^A-Za-z]+", re.I)


def is_known_venue(written: str) -> bool:
    """Whether ``written`` names a venue of the table (any case).

    >>> is_known_venue("icml"), is_known_venue("Contrastive")
    (True, False)
    """
    return fold(written).strip() in _VENUES


def year_in_url(url: str) -> int | None:
    """The year a proceedings URL is filed under, if it is a known proceedings site.

    >>> year_in_url("https://aclanthology.org/2024.naacl-long.421/")
    2024
    """
    for pattern in _YEAR_IN_URL:
        match = pattern.match(url)
        if match:
            return int(match.group(1))
    return None
