"""zhaocai (招采): electronic tendering and public-resource trading."""
