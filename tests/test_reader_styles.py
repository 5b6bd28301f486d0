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
    # venue and year in brackets at the end of a bold title, authors and links below
    (
        "- **Learning Graph Representation via Frequent Subgraphs (SDM 2018)**\n"
        "  - Dang Nguyen, Wei Luo\n"
        "  - [[Paper]](https://epubs.siam.org/doi/pdf/10.1137/1.9781611975321.35)",
        (
            "Learning Graph Representation via Frequent Subgraphs",
            ("Dang Nguyen", "Wei Luo"),
            "SDM",
            2018,
        ),
    ),
    (
        "- **Joint Structure Feature Exploration and Regularization for Multi-Task Graph Classification (TKDE 2015)**\n"
        "  - Shirui Pan, Jia Wu\n"
        "  - [[Paper]](https://ieeexplore.ieee.org/document/7302040)",
        (
            "Joint Structure Feature Exploration and Regularization for Multi-Task Graph Classification",
            ("Shirui Pan", "Jia Wu"),
            "TKDE",
            2015,
        ),
    ),
    # a Title-Case title after a venue badge, though it is shaped like one long name
    (
        "* [CVPR 2023] Indescribable Multi-modal Spatial Evaluator [[pdf]](https://arxiv.org/abs/2303.00369) [[code]](https://github.com/Kidswiss/IMSE)",
        ("Indescribable Multi-modal Spatial Evaluator", (), "CVPR", 2023),
    ),
    # unlinked entries dated at a venue: a badge that opens them, or a known venue after a comma
    (
        "* (CVPR 17) iCaRL: Incremental Classifier and Representation Learning",
        ("iCaRL: Incremental Classifier and Representation Learning", (), "CVPR", 2017),
    ),
    (
        "* (PNAS 17) Overcoming Catastrophic Forgetting in Neural Networks",
        ("Overcoming Catastrophic Forgetting in Neural Networks", (), "PNAS", 2017),
    ),
    (
        "* (ICLR 19) Learning to Learn without Forgetting by Maximizing Transfer and Minimizing Interference",
        (
            "Learning to Learn without Forgetting by Maximizing Transfer and Minimizing Interference",
            (),
            "ICLR",
            2019,
        ),
    ),
    (
        "* (NeurIPS 21) DualNet: Continual Learning, Fast and Slow",
        ("DualNet: Continual Learning, Fast and Slow", (), "NeurIPS", 2021),
    ),
    (
        "- Deep Residual Learning for Image Recognition, CVPR 2016",
        ("Deep Residual Learning for Image Recognition", (), "CVPR", 2016),
    ),
    # a bold name before a colon labels the linked title; an organisation in the badge is no venue
    (
        "* **VALL-E**: [Neural Codec Language Models are Zero-Shot Text to Speech Synthesizers](https://arxiv.org/abs/2301.02111) (2023-01, Microsoft)",
        ("Neural Codec Language Models are Zero-Shot Text to Speech Synthesizers", (), None, 2023),
    ),
    (
        "* **AudioLM**: [AudioLM: a Language Modeling Approach to Audio Generation](https://arxiv.org/abs/2209.03143) (TASLP 2023, Google)",
        ("AudioLM: a Language Modeling Approach to Audio Generation", (), "TASLP", 2023),
    ),
    # "*et al.*" in italics ends a plain run of names; "(Venue, Year)" after it is the venue
    (
        "- **Multimodal Federated Learning: A Survey through the Lens of Different FL Paradigms** — Peng *et al.* (arXiv, 2025)\n"
        "  [Paper](https://arxiv.org/abs/2505.21792)",
        (
            "Multimodal Federated Learning: A Survey through the Lens of Different FL Paradigms",
            ("Peng",),
            "arXiv",
            2025,
        ),
    ),
    (
        "- **FL-FD: Federated Learning-based Fall Detection with Multimodal Data Fusion** — Panwar *et al.* (Information Fusion, 2023)\n"
        "  [Paper](https://www.sciencedirect.com/science/article/pii/S1566253523002130)",
        (
            "FL-FD: Federated Learning-based Fall Detection with Multimodal Data Fusion",
            ("Panwar",),
            "Information Fusion",
            2023,
        ),
    ),
    # two capitals are initials, not the word "at"; of two dated venues the first is read
    (
        "- [Mockingjay](https://arxiv.org/abs/1910.12638) - *AT Liu et al*, `ICASSP 2020`",
        ("Mockingjay", ("AT Liu",), "ICASSP", 2020),
    ),
    (
        "- [vq-wav2vec: Self-Supervised Learning of Discrete Speech Representations](https://arxiv.org/abs/1910.05453) - *A Baevski et al*, `arXiv 2019, ICLR 2020`",
        (
            "vq-wav2vec: Self-Supervised Learning of Discrete Speech Representations",
            ("A Baevski",),
            "arXiv",
            2019,
        ),
    ),
    # a description in CJK prose is no venue, whatever Latin words it holds
    (
        "- [Amazon.com recommendations: item-to-item collaborative filtering](http://www.cs.umd.edu/~samir/498/Amazon-Recommendations.pdf) - 介绍 Amazon 的推荐系统原理，主要是介绍 Item-Based 协同过滤算法。 - 2001",
        ("Amazon.com recommendations: item-to-item collaborative filtering", (), None, 2001),
    ),
    # beside a title column, the model-name column holds no authors
    (
        "| Model | Paper | Venue | Year |\n|---|---|---|---|\n"
        "| MSA Transformer | [MSA Transformer](https://doi.org/10.1101/2021.02.12.430858) | ICML | 2021 |",
        ("MSA Transformer", (), "ICML", 2021),
    ),
    # BibTeX accents left in a list made from a .bib file (Markdown ate their backslashes)
    (
        "1. [Conceptor Debiasing of Word Representations Evaluated on WEAT](https://www.aclweb.org/anthology/W19-3806), Karve, Saket  and Ungar, Lyle  and Sedoc, Jo{\\~a}o, 2019",
        (
            "Conceptor Debiasing of Word Representations Evaluated on WEAT",
            ("Saket Karve", "Lyle Ungar", "João Sedoc"),
            None,
            2019,
        ),
    ),
    (
        "1. [Type B Reflexivization as an Unambiguous Testbed](https://www.aclweb.org/anthology/2020.emnlp-main.209), Gonz{\\'a}lez, Ana Valeria  and S{\\o}gaard, Anders, 2020",
        (
            "Type B Reflexivization as an Unambiguous Testbed",
            ("Ana Valeria González", "Anders Søgaard"),
            None,
            2020,
        ),
    ),
    # APA names, a family name with a particle among them
    (
        "- [**Explainable AI on time series data: A survey**](https://arxiv.org/abs/2104.00950) , (2021) by *Rojat, T., Puget, R., Del Ser, J., & Gelin, R.*",
        (
            "Explainable AI on time series data: A survey",
            ("T. Rojat", "R. Puget", "J. Del Ser", "R Gelin"),
            None,
            2021,
        ),
    ),
    # an undated name that only its place makes a badge gives way to a venue in the text
    (
        "- (NCLT) [University of Michigan North Campus Long-Term Vision and Lidar Dataset](https://journals.sagepub.com/doi/10.1177/0278364915614638), IJRR 2010.",
        (
            "University of Michigan North Campus Long-Term Vision and Lidar Dataset",
            (),
            "IJRR",
            2010,
        ),
    ),
    (
        "- [Pattern Recognition] **Deep Clustering With Convolutional Autoencoders** [[pdf]](https://example.org/dcec.pdf)",
        ("Deep Clustering With Convolutional Autoencoders", (), "Pattern Recognition", None),
    ),
    # organisations on the line below the title are no authors
    (
        "* [**Semantically-Shifted Incremental Adapter-Tuning is A Continual ViTransformer**](https://openaccess.thecvf.com/content/CVPR2024/papers/Tan_SSIAT.pdf) [**CVPR 2024**]<br>\n"
        "  Huazhong University of Science and Tech., DAMO Academy, Alibaba Group",
        (
            "Semantically-Shifted Incremental Adapter-Tuning is A Continual ViTransformer",
            (),
            "CVPR",
            2024,
        ),
    ),
    # a title that opens with a quoted phrase keeps its quotes; math braces of a .bib export go
    (
        '1. ["You are grounded!": Latent Name Artifacts in Pre-trained Language Models](https://www.aclweb.org/anthology/2020.emnlp-main.556), Shwartz, Vered  and Rudinger, Rachel, 2020',
        (
            '"You are grounded!": Latent Name Artifacts in Pre-trained Language Models',
            ("Vered Shwartz", "Rachel Rudinger"),
            None,
            2020,
        ),
    ),
    (
        "* $\\{$FwdLLM$\\}$: Efficient Federated Finetuning of Large Language Models. [[Paper]](https://arxiv.org/abs/2308.13894)",
        ("FwdLLM: Efficient Federated Finetuning of Large Language Models", (), None, 2023),
    ),
    # "Title. In *Venue Year*.": the connector is no part of the title
    (
        "- How to escape saddle points efficiently. In *ICML 2017*. [[pdf](http://proceedings.mlr.press/v70/jin17a/jin17a.pdf)]",
        ("How to escape saddle points efficiently", (), "ICML", 2017),
    ),
    # a title wrapped inside its emphasis, and "arXiv preprint arXiv:NNNN" as the venue arXiv
    (
        '**[8]** Dai, Jifeng, et al. "**R-FCN: Object Detection via\nRegion-based Fully Convolutional Networks**." arXiv preprint arXiv:1605.06409 (2016). [[pdf]](https://arxiv.org/abs/1605.06409)',
        (
            "R-FCN: Object Detection via Region-based Fully Convolutional Networks",
            ("Jifeng Dai",),
            "arXiv",
            2016,
        ),
    ),
    # a reference number that opens the entry
    (
        "- [1] Big Hand 2.2M Benchmark: Hand Pose Data Set and State of the Art Analysis, CVPR 2017 [\\[PDF\\]](https://labicvl.github.io/docs/pubs/Shanxin_CVPR_2017.pdf)",
        (
            "Big Hand 2.2M Benchmark: Hand Pose Data Set and State of the Art Analysis",
            (),
            "CVPR",
            2017,
        ),
    ),
    # a bracketed bold tag labels the linked title after it
    (
        "* **[R-max]** <[R-max: a general polynomial time algorithm for near-optimal reinforcement learning](https://www.jmlr.org/papers/volume3/brafman02a/brafman02a.pdf)> by Ronen I Brafman, Moshe Tennenholtz, 2002.",
        (
            "R-max: a general polynomial time algorithm for near-optimal reinforcement learning",
            ("Ronen I Brafman", "Moshe Tennenholtz"),
            None,
            2002,
        ),
    ),
    # a table row dated at a venue in its own column is a paper, whatever page it links
    (
        "| Name | Info | Link |\n|---|---|---|\n"
        "|**Data-driven synthesis of smoke flows with CNN-based feature descriptors**| TOG 2017| [Link](https://ge.in.tum.de/publications/2017-sig-chu/) |",
        (
            "Data-driven synthesis of smoke flows with CNN-based feature descriptors",
            (),
            "TOG",
            2017,
        ),
    ),
    # citation styles: authors before a quoted title; Harvard's "names, year. Title. *Venue*"
    (
        '**[22]** Sutskever, Ilya, et al. "**On the importance of initialization and momentum in deep learning**." ICML (3) 28 (2013): 1139-1147. [[pdf]](http://www.jmlr.org/proceedings/papers/v28/sutskever13.pdf) **(Momentum optimizer)**',
        (
            "On the importance of initialization and momentum in deep learning",
            ("Ilya Sutskever",),
            "ICML",
            2013,
        ),
    ),
    (
        "Chandola, V., Banerjee, A. and Kumar, V., 2009. Anomaly detection: A survey. *ACM computing surveys* , 41(3), p.15. [[Download PDF]](https://www.vs.inf.ethz.ch/edu/HS2011/CPS/papers/chandola09_anomaly-detection-survey.pdf )",
        (
            "Anomaly detection: A survey",
            ("V. Chandola", "A. Banerjee", "V Kumar"),
            "ACM Computing Surveys",
            2009,
        ),
    ),
    (
        "Hodge, V. and Austin, J., 2004. A survey of outlier detection methodologies. *Artificial intelligence review*, 22(2), pp.85-126. [[Download PDF]](https://www-users.cs.york.ac.uk/vicky/myPapers/Hodge+Austin_OutlierDetection_AIRE381.pdf )",
        (
            "A survey of outlier detection methodologies",
            ("V. Hodge", "J Austin"),
            "Artificial intelligence review",
            2004,
        ),
    ),
    (
        "- Ahmed, M., Mahmood, A.N. and Islam, M.R., 2016. A survey of anomaly detection techniques in financial domain. Future Generation Computer Systems, 55, pp.278-288. [[pdf]](https://example.org/fgcs.pdf)",
        (
            "A survey of anomaly detection techniques in financial domain",
            ("M. Ahmed", "A.N. Mahmood", "M.R Islam"),
            "Future Generation Computer Systems",
            2016,
        ),
    ),
    (
        "- [Human-level control through deep reinforcement learning](https://www.nature.com/articles/nature14236), Nature 518 (2015)",
        ("Human-level control through deep reinforcement learning", (), "Nature", 2015),
    ),
    # Harvard with a month; the pages' "pp." stays out of the venue
    (
        "- Kannan, R., Woo, H. and Park, H., 2017, June. Outlier detection for text data. In Proceedings of the 2017 SIAM International Conference on Data Mining (pp. 489-497). [[pdf]](https://epubs.siam.org/doi/pdf/10.1137/1.9781611974973.55)",
        (
            "Outlier detection for text data",
            ("R. Kannan", "H. Woo", "H Park"),
            "SIAM International Conference on Data Mining",
            2017,
        ),
    ),
    # a period inside the last comma's field keeps the run of names whole
    (
        "* [QMIX: Monotonic Value Function Factorisation](https://arxiv.org/abs/1803.11485) by Tabish Rashid, Mikayel Samvelyan, Shimon Whiteson. ICML 2018.",
        (
            "QMIX: Monotonic Value Function Factorisation",
            ("Tabish Rashid", "Mikayel Samvelyan", "Shimon Whiteson"),
            "ICML",
            2018,
        ),
    ),
]


@pytest.mark.parametrize(("line", "expected"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_a_style_outside_the_corpus_reads_right(line, expected):
    [paper] = parse_markdown(f"# L\n\n{line}\n", source="styles.md").papers
    title, authors, venue, year = expected
    assert (paper.title, paper.authors, paper.venue, paper.year) == (title, authors, venue, year)


def test_sibling_items_each_dated_by_a_badge_stay_two_papers():
    """The second item is an entry of its own, not the first one's authors line."""
    doc = parse_markdown(
        "# L\n\n"
        "* (CVPR 21) PLOP: Learning without Forgetting for Continual Semantic Segmentation\n"
        "* (CVPR 21) Incremental Few-Shot Instance Segmentation\n",
        source="styles.md",
    )
    assert [(p.title, p.authors, p.venue, p.year) for p in doc.papers] == [
        ("PLOP: Learning without Forgetting for Continual Semantic Segmentation", (), "CVPR", 2021),
        ("Incremental Few-Shot Instance Segmentation", (), "CVPR", 2021),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "- MSCOCO Captions — https://cocodataset.org/",  # a dataset's address is no title
        "- Notes from our reading group, Microsoft 2023",  # an unknown name and a year
        "- [A long note on trends: and explorations] https://example.org/notes (2020)",
    ],
)
def test_unlinked_text_without_a_venue_is_no_paper(line):
    doc = parse_markdown(f"# L\n\n{line}\n", source="styles.md")
    assert doc.papers == ()
    assert [s.reason for s in doc.report.skipped] == [
        "no paper evidence (no paper link, authors or venue)"
    ]


def test_a_talk_at_a_venue_is_no_paper_but_a_paper_linking_its_code_is():
    doc = parse_markdown(
        "# L\n\n"
        "- [The Trouble with Bias](https://www.youtube.com/watch?v=fMym_BKWQzk), NeurIPS 2017\n"
        "- [Deep Clustering With Convolutional Autoencoders](https://github.com/XifengGuo/DCEC), ICONIP 2017\n",
        source="styles.md",
    )
    assert [(p.title, p.venue, p.year) for p in doc.papers] == [
        ("Deep Clustering With Convolutional Autoencoders", "ICONIP", 2017)
    ]
    assert [s.reason for s in doc.report.skipped] == ["blog post or video"]


def test_an_entry_in_paragraphs_gets_the_links_paragraph_after_it_and_not_its_abstract():
    """``**Title**. ICML19.``, a paragraph of badge links, a quoted abstract, a rule."""
    doc = parse_markdown(
        "# L\n\n## Models\n\n"
        "**Graph Element Networks: adaptive, structured computation and memory**. ICML19.\n\n"
        '<a href="http://arxiv.org/abs/1904.09019"><img alt="Arxiv" src="https://img.shields.io/badge/-1904.09019-b31b1b"/></a>'
        ' <a href="https://github.com/FerranAlet/graph_element_networks"><img alt="Github" src="https://img.shields.io/badge/-Code-black"/></a>\n\n'
        "> Traditional applications of GNNs assume an *a priori* notion of entity (such as bodies,"
        " links or particles) and match every node in the graph to an entity.\n\n"
        "<br>\n\n"
        "**Deep Graph Infomax**. ICLR19.\n\n"
        "First Workshop on Graph Learning, with Ann Lee and Bo Chen [site](https://example.org/ws)\n",
        source="styles.md",
    )
    papers = [(p.title, p.venue, p.year, p.arxiv_id, len(p.links)) for p in doc.papers]
    assert papers[:2] == [
        (
            "Graph Element Networks: adaptive, structured computation and memory",
            "ICML",
            2019,
            "1904.09019",
            2,
        ),
        ("Deep Graph Infomax", "ICLR", 2019, None, 0),  # the next paragraph has words: its own
    ]


def test_an_example_entry_with_a_placeholder_title_is_no_paper():
    doc = parse_markdown(
        "# L\n\n- Example: [Conference'year] [Title](https://github.com/a/b), First-author Affiliation\n",
        source="styles.md",
    )
    assert doc.papers == ()
    assert [s.reason for s in doc.report.skipped] == ["example entry (placeholder title)"]


def test_entries_written_as_headings_are_read_with_the_line_below_and_notes_stay_notes():
    """``#### [Title](url)``, its venue or authors line, then notes about the paper."""
    doc = parse_markdown(
        "# L\n\n## Attacks\n\n"
        "#### [Accessorize to a Crime: Real and Stealthy Attacks on Face Recognition](https://dl.acm.org/doi/10.1145/2976749.2978392)\n\n"
        "CCS 2016\n\n"
        "1. **The first paper** that explicitly introduces the concept of **adversarial patch** attacks\n"
        "2. Demonstrate a universal **physical** world attack\n\n"
        "##### • [\\[arXiv:2012.09856\\]](https://arxiv.org/abs/2012.09856) Reconstructing Hand-Object Interactions in the Wild. [\\[PDF\\]](https://arxiv.org/pdf/2012.09856.pdf)\n"
        "_Zhe Cao, Ilija Radosavovic, Angjoo Kanazawa, Jitendra Malik_\n",
        source="styles.md",
    )
    assert [(p.title, p.authors, p.venue, p.year, p.categories) for p in doc.papers] == [
        (
            "Accessorize to a Crime: Real and Stealthy Attacks on Face Recognition",
            (),
            "CCS",
            2016,
            ("Attacks",),
        ),
        (
            "Reconstructing Hand-Object Interactions in the Wild",
            ("Zhe Cao", "Ilija Radosavovic", "Angjoo Kanazawa", "Jitendra Malik"),
            None,
            2020,
            ("Attacks",),
        ),
    ]
    assert [s.reason for s in doc.report.skipped] == [
        "no paper evidence (no paper link, authors or venue)"
    ] * 2  # the two notes: bold emphasis in a sentence is no title
    assert doc.report.candidates == 4


def test_a_heading_that_links_out_but_names_a_section_still_is_one():
    doc = parse_markdown(
        "# L\n\n### [ICLR 2024](https://iclr.cc/Conferences/2024)\n\n"
        "- [Self-Instruct: Aligning LMs](https://arxiv.org/abs/2212.10560) - Yizhong Wang, Noah Smith\n",
        source="styles.md",
    )
    assert [(p.title, p.categories) for p in doc.papers] == [
        ("Self-Instruct: Aligning LMs", ("ICLR 2024",))
    ]
    assert [s.reason for s in doc.report.skipped] == ["no title found"]
