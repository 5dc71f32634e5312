"""Electronic archive (电子档案, 20号令40): one signed, offline-verifiable package per tender."""
