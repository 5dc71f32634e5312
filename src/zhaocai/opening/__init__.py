"""Online bid opening (不见面开标, docs/opening.md): at the deadline each lot either fails (流标, 条例44) or opens a
decryption window; bidders hand over their content keys; the platform decrypts, checks and unpacks each bid, decides
who answers for a failure (电子招标投标办法31), and signs and publishes the opening record (开标记录)."""
