"""Product families: the listings of one product grouped under the names people say.

`titles` takes listing titles apart (family key, spoken names, variant), `derive` assigns
families on import, `editing` merges, splits and renames them for the content team.
"""
