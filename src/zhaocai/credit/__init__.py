"""Credit records of the trading platform: debarments and credit restrictions, the platform's operator and
affiliates (20号令23), control relationships and legal representatives (条例34). The hub's shared records come later."""
