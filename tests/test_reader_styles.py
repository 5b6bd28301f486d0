"""Styles the real lists of the corpus do not use, read by the same general cues.

The corpus (tests/gold/lists) is where the reader was measured; these entries check that
its cues carry over to shapes it was not tuned on: plain sentences, comma-separated
fields, a description after a dash, an id as the link label, ``(Author et al., Year)``,
line breaks inside an item, names in CJK script, pipes, quoted titles after an em dash.
"""

from __future__ import annotations

import pytest

from kg.ingest.markdown import parse_markdown

CASES = [
    (
        "- Attention Is All You Need. Ashish Vaswani, Noam Shazeer, Niki Parmar. NeurIPS 2017. [paper](https://arxiv.org/abs/1706.03762)",
        (
            "Attention Is All You Need",
            ("Ashish Vaswani", "Noam Shazeer", "Niki Parmar"),
            "NeurIPS",
            2017,
        ),
    ),
    (
        "- [Deep Residual Learning for Image Recognition](https://arxiv.org/abs/1512.03385), Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun, CVPR, 2016",
        (
            "Deep Residual Learning for Image Recognition",
            ("Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"),
            "CVPR",
            2016,
        ),
    ),
    (
        "- 📄 [BERT: Pre-training of Deep Bidirectional Transformers](https://arxiv.org/abs/1810.04805) - A bidirectional encoder pre-trained on masked language modelling.",
        ("BERT: Pre-training of Deep Bidirectional Transformers", (), None, 2018),
    ),
    (
        "- [arXiv:2005.14165](https://arxiv.org/abs/2005.14165) Language Models are Few-Shot Learners (2020)",
        ("Language Models are Few-Shot Learners", (), None, 2020),
    ),
    (
        "- **[Denoising Diffusion Probabilistic Models](https://arxiv.org/abs/2006.11239)**<br>Jonathan Ho, Ajay Jain, Pieter Abbeel<br>NeurIPS 2020",
        (
            "Denoising Diffusion Probabilistic Models",
            ("Jonathan Ho", "Ajay Jain", "Pieter Abbeel"),
            "NeurIPS",
            2020,
        ),
    ),
    (
        "- Generative Adversarial Nets (Goodfellow et al., 2014) [[PDF]](https://papers.nips.cc/paper/5423-generative-adversarial-nets.pdf)",
        ("Generative Adversarial Nets", ("Goodfellow",), None, 2014),
    ),
    (
        "- [大规模语言模型综述](https://arxiv.org/abs/2303.18223) 赵鑫, 周昆, 李军毅 2023",
        ("大规模语言模型综述", ("赵鑫", "周昆", "李军毅"), None, 2023),
    ),
    (
        "- 2021 | ICML | [Learning Transferable Visual Models From Natural Language Supervision](https://arxiv.org/abs/2103.00020) | [code](https://github.com/openai/CLIP)",
        ("Learning Transferable Visual Models From Natural Language Supervision", (), "ICML", 2021),
    ),
    (
        '- ["Playing Atari with Deep Reinforcement Learning"](https://arxiv.org/abs/1312.5602) — Mnih et al., NIPS Workshop 2013',
        ("Playing Atari with Deep Reinforcement Learning", ("Mnih",), "NeurIPS", 2013),
    ),
]


@pytest.mark.parametrize(("line", "expected"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_a_style_outside_the_corpus_reads_right(line, expected):
    [paper] = parse_markdown(f"# L\n\n{line}\n", source="styles.md").papers
    title, authors, venue, year = expected
    assert (paper.title, paper.authors, paper.venue, paper.year) == (title, authors, venue, year)
