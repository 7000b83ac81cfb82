"""The custom domains inline of the territory admin form, as a browser posts it."""


def custom_hosts(*names: str, existing: int = 0) -> dict:
    data = {
        "custom_hosts-TOTAL_FORMS": str(len(names)),
        "custom_hosts-INITIAL_FORMS": str(existing),
        "custom_hosts-MIN_NUM_FORMS": "0",
        "custom_hosts-MAX_NUM_FORMS": "1000",
    }
    for index, name in enumerate(names):
        data[f"custom_hosts-{index}-name"] = name
    return data
