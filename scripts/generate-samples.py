#!/usr/bin/env python3
"""Generates the bundled sample exports under samples/, reproducibly (fixed seed).

Every identity code is from the range reserved for temporary and test codes (individual
number 900-999): no real person's. Each export is written with the deliberately dirty
records it holds listed beside it (expected-rejects.csv: line;record;rule), so that tests
check the gateway against what the generator meant, not against hard-coded numbers.

The work placements of the survey municipalities reproduce, client by client, the table of
the 2021 survey (scripts/survey-2021-placements.csv, from shared/domain/survey-2021.md).

Usage: scripts/generate-samples.py [--seed N] [--out DIR]
"""
import argparse
import csv
import datetime
import io
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
CONTROL_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CUT_OVER = datetime.date(2022, 12, 31)

# The Effica-style dialect: one wide CSV, a record type (TIETUE) per row.
COLUMNS = ["TIETUE", "TUNNUS", "HETU", "KOTIKUNTA", "JAKSO_ID", "PALVELU", "YKSIKKO", "TUOTTAJA",
           "TUOTTAJATYYPPI", "OHJAAVA_TAHO", "ALKUPVM", "LOPPUPVM", "TAVOITTEET", "PALAUTE",
           "TYOMUOTO", "TYO_ALKUPVM", "TYO_LOPPUPVM", "OMATYONTEKIJA", "OHJAAJA", "TAVOITE1",
           "TAVOITE1_TILA", "TAVOITE2", "TAVOITE2_TILA", "LAADITTU", "TARKISTETTU",
           "SEURAAVA_TARKISTUS", "TARKISTUSVALI_KK", "PALAUTEPVM", "JATKOSUOSITUS"]
SERVICES = {"rehabilitative_work_activity": "Kuntouttava työtoiminta",
            "social_rehabilitation": "Sosiaalinen kuntoutus",
            "disability_work_activity": "Vammaisten työtoiminta (SHL 27 e §)",
            "intellectual_disability_work_activity": "Kehitysvammaisten työtoiminta",
            "supported_employment": "Tuettu työllistyminen"}
UNITS = {"disability_services": "Vammaispalvelut", "adult_social_work": "Aikuissosiaalityö",
         "employment_services": "Työllisyyspalvelut"}
PRODUCER_TYPES = {"own_production": "Oma tuotanto", "association_or_foundation": "Yhdistys/säätiö",
                  "private_provider": "Yksityinen"}
PRODUCERS = {"own_production": ["{town}n toimintakeskus", "{town}n työvalmennus"],
             "association_or_foundation": ["Pirkanmaan Kuntoutussäätiö", "{town}n Työpajayhdistys ry"],
             "private_provider": ["Valmennuspalvelu Oy", "Työote; Kuntoutus Oy"]}
REFERRALS = {"employment_services": "TE-palvelut", "kela": "Kela", "adult_social_work": "Aikuissosiaalityö",
             "disability_services": "Vammaispalvelut", "health_care": "Terveydenhuolto", "typ": "TYP",
             "own_initiative": "Oma hakeutuminen", "other": "Muu"}
PLACEMENTS = {"subcontracting_work": "Alihankintatyö", "open_work_activity": "Avotyötoiminta",
              "paid_work": "Palkkatyö", "work_trial": "Työkokeilu",
              "activity_centre_work": "Toimintakeskuksen työtoiminta", "job_coaching": "Työhönvalmennus"}
GOAL_TEXTS = ["Arjen rytmin vahvistaminen", "Työkyvyn arviointi", "Avoimille työmarkkinoille siirtyminen",
              "Sosiaalisten taitojen vahvistaminen", "Koulutukseen hakeutuminen", "Päihteettömyyden tukeminen"]
GOAL_STATUSES = ["Ei aloitettu", "Kesken", "Saavutettu", "Osittain saavutettu", "Ei saavutettu"]
FOLLOW_UPS = ["Palvelu jatkuu", "Muu sosiaalipalvelu", "Työllistyminen", "Koulutus", "Kuntoutus",
              "Eläkeselvittely", "Ei jatkosuunnitelmaa"]
FIRST_NAMES = ["Anna", "Mikko", "Sari", "Juha", "Päivi", "Timo", "Leena", "Kari", "Outi", "Jukka"]
LAST_NAMES = ["Virtanen", "Mäkinen", "Nieminen", "Järvinen", "Heikkinen", "Koskinen", "Lehtonen"]
MUNICIPALITIES = {"143": ("ikaalinen", "Ikaalinen", "IKA"), "837": ("tampere", "Tampere", "TRE"),
                  "108": ("hameenkyro", "Hämeenkyrö", "HKY"), "536": ("nokia", "Nokia", "NOK"),
                  "508": ("mantta-vilppula", "Mänttä-Vilppula", "MVI"), "581": ("parkano", "Parkano", "PAR"),
                  "250": ("kihnio", "Kihniö", "KIH")}


def identity_code(rng, sign=None, birth=None, individual=None):
    """A valid test identity code: a real birth date, individual number 900-999."""
    birth = birth or datetime.date(1958, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 46))
    individual = individual if individual is not None else rng.randrange(900, 1000)
    sign = sign or rng.choice("ABCDEF" if birth.year >= 2000 else "-YXWVU")
    digits = f"{birth:%d%m}{birth.year % 100:02d}"
    control = CONTROL_CHARACTERS[int(f"{digits}{individual:03d}") % 31]
    return f"{digits}{sign}{individual:03d}{control}"


def other_sign(code):
    """The same person's code with another century sign of the same century."""
    signs = "ABCDEF" if code[6] in "ABCDEF" else "-YXWVU"
    return code[:6] + signs[(signs.index(code[6]) + 1) % len(signs)] + code[7:]


def fi_date(date, rng):
    """d.m.yyyy, padded or not, as exports mix them."""
    if date is None:
        return ""
    return f"{date.day:02d}.{date.month:02d}.{date.year}" if rng.random() < 0.5 else f"{date.day}.{date.month}.{date.year}"


def worker(rng):
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


class Export:
    """The rows of one municipality's export, built client by client."""

    def __init__(self, rng, code):
        self.rng = rng
        self.code = code
        self.slug, self.town, self.prefix = MUNICIPALITIES[code]
        self.rows = []
        self.serial = 0

    def row(self, kind, client, **values):
        self.serial += 1
        row = dict.fromkeys(COLUMNS, "")
        row.update(TIETUE=kind, TUNNUS=f"{self.prefix}-{self.serial:06d}", HETU=client["code"],
                   KOTIKUNTA=client["home"])
        row.update(values)
        self.rows.append(row)
        return row

    def new_client(self, code=None):
        return {"code": code or identity_code(self.rng), "home": self.rng.choice([self.code] * 4 + ["837", "980"])}

    def episode(self, client, service, with_end=None):
        rng = self.rng
        start = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 6))
        ended = rng.random() < 0.45 if with_end is None else with_end
        end = start + datetime.timedelta(days=rng.randrange(120, 2400)) if ended else None
        if end and end > CUT_OVER:
            end = None
        producer_type = rng.choice(list(PRODUCER_TYPES))
        unit = "employment_services" if service == "rehabilitative_work_activity" else (
            "adult_social_work" if service == "social_rehabilitation" else "disability_services")
        goals = rng.random() < 0.85
        feedback = bool(end) and rng.random() < 0.75
        return {"JAKSO_ID": f"{self.prefix}-J{self.serial + 1:06d}", "PALVELU": SERVICES[service],
                "YKSIKKO": UNITS[unit],
                "TUOTTAJA": rng.choice(PRODUCERS[producer_type]).format(town=self.town),
                "TUOTTAJATYYPPI": PRODUCER_TYPES[producer_type],
                "OHJAAVA_TAHO": REFERRALS[rng.choice(list(REFERRALS))],
                "ALKUPVM": fi_date(start, rng), "LOPPUPVM": fi_date(end, rng),
                "TAVOITTEET": "K" if goals else "E", "PALAUTE": "K" if feedback else "E",
                "_start": start, "_end": end, "_service": service}

    def add_episode(self, client, episode, placements=()):
        """The episode alone (JAKSO), or one TYO row per placement, each repeating the episode."""
        columns = {k: v for k, v in episode.items() if not k.startswith("_")}
        if not placements:
            self.row("JAKSO", client, **columns)
        for kind in placements:
            start, end = episode["_start"], episode["_end"] or CUT_OVER
            p_start = start + datetime.timedelta(days=self.rng.randrange(0, max(1, (end - start).days // 3)))
            p_end = None if episode["_end"] is None and self.rng.random() < 0.6 else \
                p_start + datetime.timedelta(days=self.rng.randrange(0, max(1, (end - p_start).days)))
            self.row("TYO", client, TYOMUOTO=PLACEMENTS[kind], TYO_ALKUPVM=fi_date(p_start, self.rng),
                     TYO_LOPPUPVM=fi_date(p_end, self.rng), **columns)
        if episode["PALAUTE"] == "K":
            self.row("PALAUTE", client, JAKSO_ID=episode["JAKSO_ID"],
                     PALAUTEPVM=fi_date(episode["_end"], self.rng), JATKOSUOSITUS=self.rng.choice(FOLLOW_UPS))

    def add_plan(self, client, episode):
        rng = self.rng
        drawn = episode["_start"] - datetime.timedelta(days=rng.randrange(0, 60))
        reviewed = drawn + datetime.timedelta(days=rng.randrange(150, 400)) if rng.random() < 0.7 else None
        interval = rng.choice([6, 6, 12, 12, 24])
        base = reviewed or drawn
        next_review = base + datetime.timedelta(days=int(interval * 30.4))
        goals = rng.sample(GOAL_TEXTS, 2)
        values = {"PALVELU": episode["PALVELU"], "OMATYONTEKIJA": worker(rng), "OHJAAJA": worker(rng),
                  "TAVOITE1": goals[0], "TAVOITE1_TILA": rng.choice(GOAL_STATUSES),
                  "LAADITTU": fi_date(drawn, rng), "TARKISTETTU": fi_date(reviewed, rng)}
        if rng.random() < 0.6:
            values.update(TAVOITE2=goals[1], TAVOITE2_TILA=rng.choice(GOAL_STATUSES))
        if rng.random() < 0.5:
            values["SEURAAVA_TARKISTUS"] = fi_date(next_review, rng)
        else:
            values["TARKISTUSVALI_KK"] = str(interval)
        self.row("SUUNNITELMA", client, **values)


DIRTY_RULES = ["map.date", "identity-code.control", "map.code-unmapped", "episode.end-before-start",
               "read.field-count", "identity-code.date", "placement.outside-episode", "map.no-entity"]


def spoil(export, rule):
    """Adds one row for a new client that breaks `rule`, on purpose. Returns the row."""
    rng = export.rng
    client = export.new_client()
    episode = export.episode(client, "intellectual_disability_work_activity", with_end=False)
    episode["PALAUTE"] = "E"
    export.add_episode(client, episode, placements=["job_coaching"] if rule == "placement.outside-episode" else ())
    row = export.rows[-1]
    row["_dirty"] = True
    if rule == "map.date":
        row["ALKUPVM"] = "31.02.2021"
    elif rule == "identity-code.control":
        code = row["HETU"]
        row["HETU"] = code[:10] + CONTROL_CHARACTERS[(CONTROL_CHARACTERS.index(code[10]) + 1) % 31]
    elif rule == "map.code-unmapped":
        row["PALVELU"] = "Päivätoiminta"
    elif rule == "episode.end-before-start":
        row["ALKUPVM"], row["LOPPUPVM"] = "15.06.2021", "1.3.2021"
    elif rule == "read.field-count":
        row["_drop_last"] = True
    elif rule == "identity-code.date":
        row["HETU"] = "290201A9" + row["HETU"][8:]
    elif rule == "placement.outside-episode":
        row["ALKUPVM"], row["TYO_ALKUPVM"], row["TYO_LOPPUPVM"] = "1.6.2020", "1.5.2020", ""
    elif rule == "map.no-entity":
        row["TIETUE"] = "LASKU"
    return row


def build_export(rng, code, placements):
    """One municipality: its work-activity clients with the survey's placements, clients of other
    services, a plan per client, and one deliberately dirty row per rule."""
    export = Export(rng, code)
    pool_size = max(placements.values()) + rng.randrange(2, 6)
    pool = [export.new_client() for _ in range(pool_size)]
    chosen = {id(c): [] for c in pool}
    for kind, count in placements.items():
        for client in rng.sample(pool, count):
            chosen[id(client)].append(kind)
    for client in pool:
        service = rng.choice(["intellectual_disability_work_activity"] * 3 + ["disability_work_activity"])
        episode = export.episode(client, service)
        export.add_episode(client, episode, sorted(chosen[id(client)]))
        export.add_plan(client, episode)
    for _ in range(max(12, pool_size // 3)):
        client = export.new_client()
        service = rng.choice(["rehabilitative_work_activity", "social_rehabilitation", "supported_employment"])
        episode = export.episode(client, service)
        export.add_episode(client, episode)
        export.add_plan(client, episode)
    rng.shuffle(export.rows)
    dirty = []
    for rule in DIRTY_RULES:
        row = spoil(export, rule)
        export.rows.remove(row)
        export.rows.insert(rng.randrange(1, len(export.rows)), row)
        dirty.append((row, rule))
    return export, dirty


def write_export(out_dir, export, dirty):
    folder = os.path.join(out_dir, export.slug)
    os.makedirs(folder, exist_ok=True)
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    rules = {id(row): rule for row, rule in dirty}
    expected = []
    for number, row in enumerate(export.rows, start=1):
        values = [row[c] for c in COLUMNS]
        if row.get("_drop_last"):
            values = values[:-1]
        writer.writerow(values)
        if id(row) in rules:
            expected.append((number + 1, number, rules[id(row)]))
    with open(os.path.join(folder, "asiakastiedot.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(text.getvalue())
    with open(os.path.join(folder, "expected-rejects.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("line;record;rule\n")
        for line, record, rule in expected:
            f.write(f"{line};{record};{rule}\n")


def survey_table():
    with open(os.path.join(HERE, "survey-2021-placements.csv"), encoding="utf-8") as f:
        return [(row.pop("municipality"), {k: int(v) for k, v in row.items()})
                for row in csv.DictReader(f, delimiter=";")]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=20221231)
    parser.add_argument("--out", default=os.path.join(HERE, "..", "samples"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    exports = [build_export(rng, code, placements) for code, placements in survey_table()]
    # Some people moved between municipalities: the same person, another century sign, another
    # service. Their records must link up under one regional client id.
    for (first, _), (second, _) in zip(exports, exports[1:]):
        for row in [r for r in first.rows if r["TIETUE"] == "JAKSO" and not r.get("_dirty")][:2]:
            client = second.new_client(code=other_sign(row["HETU"]))
            episode = second.episode(client, "social_rehabilitation")
            second.add_episode(client, episode)
    for export, dirty in exports:
        write_export(args.out, export, dirty)


if __name__ == "__main__":
    main()
