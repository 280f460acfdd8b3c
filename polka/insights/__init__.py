"""Community insights: what a community talks about, what it searches for and does not find, who takes
part (DESIGN.md: composition layer; it reads what every feature wrote through ``Feature.writings``)."""
