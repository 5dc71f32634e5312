"""Experts: the expert pool (评标专家库) and the verifiable commit–reveal draw of evaluation committees."""
