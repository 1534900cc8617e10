#!/usr/bin/env python3
"""Generates the bundled sample exports under samples/, reproducibly (fixed seed).

Every identity code is from the range reserved for temporary and test codes (individual
number 900-999): no real person's. Each export is written with the deliberately dirty
records it holds listed beside it (expected-rejects.csv: line;record;rule;field, the field named
where the fault is deep inside a nested record), so that tests check the gateway against what the
generator meant, not against hard-coded numbers.

Five source-system dialects, as the region's exports differ: the Effica-style wide CSV (the
seven survey municipalities, whose work placements reproduce, client by client, the table of the
2021 survey in scripts/survey-2021-placements.csv), a legacy Windows-1252 CSV with ',' and short
codes, a Pro Consona-style namespaced XML in ISO-8859-1 (an episode per record, or for two
municipalities a client per record with its episodes), a JSON API export of episodes with their
work placements, and the same vendor's client API: one nested document per client, with its
episodes and their placements, and its plans and their goals. Every export also repeats one
record exactly (a resent row): the gateway counts it unchanged, not rejected.

Usage: scripts/generate-samples.py [--seed N] [--out DIR]
"""
import argparse
import csv
import datetime
import io
import json
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
OTHER_MUNICIPALITIES = {
    "legacy-csv": [("020", "akaa", "Akaa"), ("211", "kangasala", "Kangasala"), ("418", "lempaala", "Lempäälä"),
                   ("562", "orivesi", "Orivesi"), ("604", "pirkkala", "Pirkkala"), ("980", "ylojarvi", "Ylöjärvi")],
    "xml": [("177", "juupajoki", "Juupajoki"), ("291", "kuhmoinen", "Kuhmoinen"), ("635", "palkane", "Pälkäne"),
            ("790", "sastamala", "Sastamala")],
    "xml-clients": [("702", "ruovesi", "Ruovesi"), ("887", "urjala", "Urjala")],
    "json": [("922", "vesilahti", "Vesilahti"), ("936", "virrat", "Virrat"), ("698", "rovaniemi", "Rovaniemi")],
    "client-api": [("619", "punkalaidun", "Punkalaidun"), ("908", "valkeakoski", "Valkeakoski")],
}
SERVICE_CODES = {  # regional code -> (legacy CSV code, XML code, JSON code)
    "rehabilitative_work_activity": ("KTT", "01", "kuntouttava_tyotoiminta"),
    "social_rehabilitation": ("SOSKU", "02", "sosiaalinen_kuntoutus"),
    "disability_work_activity": ("VATT", "03", "vammaisten_tyotoiminta"),
    "intellectual_disability_work_activity": ("KVTT", "04", "kehitysvammaisten_tyotoiminta"),
    "supported_employment": ("TUTY", "05", "tuettu_tyollistyminen"),
}
PRODUCER_CODES = {"own_production": ("1", "O", "oma"), "association_or_foundation": ("2", "J", "jarjesto"),
                  "private_provider": ("3", "Y", "yksityinen")}
REFERRAL_CODES = {"employment_services": ("TE", "1", "te"), "kela": ("KELA", "2", "kela"),
                  "adult_social_work": ("AS", "3", "aikuissosiaalityo"), "disability_services": ("VP", "4", "vammaispalvelut"),
                  "health_care": ("TH", "5", "terveydenhuolto"), "typ": ("TYP", "6", "typ"),
                  "own_initiative": ("OMA", "7", "oma_hakeutuminen"), "other": ("MUU", "8", "muu")}
JSON_PLACEMENTS = {"subcontracting_work": "alihankinta", "open_work_activity": "avotyo", "paid_work": "palkkatyo",
                   "work_trial": "tyokokeilu", "activity_centre_work": "toimintakeskus", "job_coaching": "tyohonvalmennus"}
GOAL_CODES = {"Ei aloitettu": "ei_aloitettu", "Kesken": "kesken", "Saavutettu": "saavutettu",
              "Osittain saavutettu": "osittain_saavutettu", "Ei saavutettu": "ei_saavutettu"}
OTHER_DIRTY_RULES = ["identity-code.control", "map.code-unmapped", "map.date", "episode.end-before-start"]

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


def wrong_control(code):
    """The same code with a control character that does not match its digits."""
    return code[:10] + CONTROL_CHARACTERS[(CONTROL_CHARACTERS.index(code[10]) + 1) % 31]


def other_sign(code):
    """Another person's code: the same digits under another century sign of the same century.
    Since 2023 the sign tells people apart, so this is never the same person."""
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
        row["HETU"] = wrong_control(row["HETU"])
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
            expected.append((number + 1, number, rules[id(row)], ""))
    with open(os.path.join(folder, "asiakastiedot.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(text.getvalue())
    write_expected(folder, expected)


def plain_episode(rng, number, prefix):
    """One service episode of a municipality outside the survey, in regional terms."""
    start = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 7))
    end = start + datetime.timedelta(days=rng.randrange(60, 1500)) if rng.random() < 0.5 else None
    if end and end > CUT_OVER:
        end = None
    return {"id": f"{prefix}-{number:05d}", "code": identity_code(rng), "service": rng.choice(list(SERVICE_CODES)),
            "producer_type": rng.choice(list(PRODUCER_CODES)), "referral": rng.choice(list(REFERRAL_CODES)),
            "start": start, "end": end, "goals": rng.random() < 0.8, "feedback": bool(end) and rng.random() < 0.7,
            "hours": rng.choice([8, 12.5, 16, 20, 25]), "placements": placements(rng, start, end)}


def placements(rng, start, end):
    """An episode's work placements: none to three, one after another within the episode."""
    span = (end - start).days if end else 720
    return [{"type": rng.choice(list(JSON_PLACEMENTS)), "start": start + datetime.timedelta(days=span * i // 3),
             "end": end} for i in range(rng.choice([0, 0, 1, 1, 2, 3]))]


def spoil_episode(episode, rule):
    """Makes one episode break `rule`, on purpose."""
    if rule == "identity-code.control":
        episode["code"] = wrong_control(episode["code"])
    elif rule == "map.code-unmapped":
        episode["service"] = "unknown"
    elif rule == "map.date":
        episode["start"] = "impossible"
    elif rule == "episode.end-before-start":
        episode["start"], episode["end"] = datetime.date(2021, 6, 15), datetime.date(2021, 3, 1)
        episode["feedback"] = False


def other_export(rng, prefix, rows=40, deep=False):
    """The episodes of one municipality outside the survey: clean ones, one exact repeat, and one
    deliberately dirty episode per rule (the dirty ones listed with their rule, and with the field
    at fault where it is deep inside). With `deep`, one more: a work placement's impossible date."""
    episodes = [plain_episode(rng, n, prefix) for n in range(1, rows + 1)]
    dirty = []
    for rule in OTHER_DIRTY_RULES + (["map.date@placement"] if deep else []):
        episode = plain_episode(rng, len(episodes) + 1, prefix)
        field = ""
        if rule == "map.date@placement":
            rule, field = "map.date", "/tyomuodot/1/alku"
            episode["placements"] = [{"type": "open_work_activity", "start": episode["start"], "end": None},
                                     {"type": "paid_work", "start": "impossible", "end": None}]
        else:
            spoil_episode(episode, rule)
        episodes.insert(rng.randrange(1, len(episodes)), episode)
        dirty.append((episode, rule, field))
    spoilt = {id(e) for e, _, _ in dirty}
    repeat = dict(next(e for e in episodes[3:] if id(e) not in spoilt))  # a clean one, resent
    episodes.insert(rng.randrange(5, len(episodes)), repeat)
    return episodes, dirty


def date_text(value, form):
    if value is None:
        return ""
    if isinstance(value, str):  # a deliberately impossible date
        return {"fi": "31.02.2021", "iso": "2021-02-31", "compact": "20210231"}[form]
    return {"fi": f"{value:%d.%m.%Y}", "iso": f"{value:%Y-%m-%d}", "compact": f"{value:%Y%m%d}"}[form]


def code_of(table, key, index):
    return table[key][index] if key in table else {0: "PAIVA", 1: "99", 2: "paivatoiminta"}[index]


def write_expected(folder, expected):
    with open(os.path.join(folder, "expected-rejects.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("line;record;rule;field\n")
        for line, record, rule, field in expected:
            f.write(f"{line};{record};{rule};{field}\n")


def write_legacy_csv(folder, code, town, episodes, dirty):
    """Windows-1252, ',' between fields, short codes, a producer split over two columns."""
    rules = {id(e): (r, f) for e, r, f in dirty}
    text = io.StringIO()
    writer = csv.writer(text, delimiter=",", lineterminator="\r\n")
    writer.writerow(["id", "henkilotunnus", "kotikunta", "palvelukoodi", "tuottaja", "toimipiste", "tuottajalaji",
                     "ohjaus", "alkaa", "paattyy", "tavoitteet", "palaute", "viikkotunnit"])
    expected = []
    for number, e in enumerate(episodes, start=1):
        identity = e["code"]
        writer.writerow([e["id"], identity[:6] + " " + identity[6:] if number % 7 == 0 else identity.lower(), code, code_of(
            SERVICE_CODES, e["service"], 0), f"{town}n kaupunki" if e["producer_type"] == "own_production" else "Työote Oy",
            "Päätoimipiste", PRODUCER_CODES[e["producer_type"]][0], REFERRAL_CODES[e["referral"]][0],
            date_text(e["start"], "fi"), date_text(e["end"], "fi"), "kyllä" if e["goals"] else "ei",
            "kyllä" if e["feedback"] else "ei", str(e["hours"]).replace(".", ",")])
        if id(e) in rules:
            expected.append((number + 1, number, *rules[id(e)]))
    with open(os.path.join(folder, "palvelujaksot.csv"), "w", encoding="cp1252", newline="") as f:
        f.write(text.getvalue())
    write_expected(folder, expected)


def write_lines(folder, name, encoding, head, items, line_of, tail, dirty):
    """Writes an export of one record per line, between the lines of `head` and `tail`, and the
    dirty ones among `items` to expected-rejects.csv."""
    rules = {id(item): (r, f) for item, r, f in dirty}
    lines, expected = list(head), []
    for number, item in enumerate(items, start=1):
        lines.append(line_of(number, item))
        if id(item) in rules:
            expected.append((len(lines), number, *rules[id(item)]))
    lines.append(tail)
    with open(os.path.join(folder, name), "w", encoding=encoding, newline="") as f:
        f.write("\n".join(lines) + "\n")
    write_expected(folder, expected)


def xml_episode(e, town, client=""):
    """One Pro Consona-style <pc:jakso>, with its client inside when `client` is given."""
    producer = f"{town}n toimintakeskus" if e["producer_type"] == "own_production" else "Kuntoutussäätiö &amp; kumppanit"
    return (f'<pc:jakso tunnus="{e["id"]}">{client}'
            f'<pc:palvelu koodi="{code_of(SERVICE_CODES, e["service"], 1)}"/>'
            f'<pc:tuottaja tyyppi="{PRODUCER_CODES[e["producer_type"]][1]}">{producer}</pc:tuottaja>'
            f'<pc:ohjaava koodi="{REFERRAL_CODES[e["referral"]][1]}"/>'
            f'<pc:aika alku="{date_text(e["start"], "iso")}" loppu="{date_text(e["end"], "iso")}"/>'
            f'<pc:tavoitteet>{int(e["goals"])}</pc:tavoitteet><pc:palaute>{int(e["feedback"])}</pc:palaute></pc:jakso>')


XML_DECLARATION = '<?xml version="1.0" encoding="ISO-8859-1"?>'


def write_xml(folder, town, episodes, dirty):
    """Pro Consona-style: namespaced, ISO-8859-1, one <jakso> per line, ISO dates, numeric codes."""
    write_lines(folder, "siirto.xml", "iso-8859-1",
                [XML_DECLARATION, '<pc:siirto xmlns:pc="urn:pro-consona:siirto:1">'], episodes,
                lambda number, e: xml_episode(e, town, f'<pc:asiakas><pc:hetu>{e["code"]}</pc:hetu></pc:asiakas>'),
                "</pc:siirto>", dirty)


def write_xml_clients(folder, town, clients, dirty):
    """Pro Consona-style, client per record: namespaced, ISO-8859-1, one <asiakas> per line holding
    its <jakso> elements, ISO dates, numeric codes."""
    write_lines(folder, "asiakkaat.xml", "iso-8859-1",
                [XML_DECLARATION, '<pc:asiakkaat xmlns:pc="urn:pro-consona:asiakkaat:1">'], clients,
                lambda number, c: f'<pc:asiakas id="{c["id"]}"><pc:hetu>{c["code"]}</pc:hetu>'
                                  + "".join(xml_episode(e, town) for e in c["episodes"]) + "</pc:asiakas>",
                "</pc:asiakkaat>", dirty)


def json_line(number, record):
    """One record of a JSON export's array, on a line of its own."""
    return ("" if number == 1 else ",") + json.dumps(record, ensure_ascii=False)


def write_json(folder, code, episodes, dirty):
    """A JSON API export: records under /data/palvelujaksot, one per line, compact dates, nested
    client and producer, the work placements as a nested array."""
    def record(e):
        return {"id": e["id"], "asiakas": {"hetu": e["code"], "kotikunta": code},
                "palvelu": code_of(SERVICE_CODES, e["service"], 2),
                "tuottaja": {"nimi": "Palveluyhtiö Oy", "tyyppi": PRODUCER_CODES[e["producer_type"]][2]},
                "ohjaus": REFERRAL_CODES[e["referral"]][2], "alkupvm": date_text(e["start"], "compact"),
                "loppupvm": date_text(e["end"], "compact") or None, "tavoitteet_asetettu": e["goals"],
                "palaute_kirjoitettu": e["feedback"], "viikkotunnit": e["hours"],
                "tyomuodot": [{"tyyppi": JSON_PLACEMENTS[p["type"]], "alku": date_text(p["start"], "compact"),
                               "loppu": date_text(p["end"], "compact") or None} for p in e["placements"]]}
    write_lines(folder, "palvelujaksot.json", "utf-8",
                ['{"export": {"system": "abilita", "generated": "2022-12-31T22:00:00+02:00"}, "data": {"palvelujaksot": ['],
                 episodes, lambda number, e: json_line(number, record(e)), "]}}", dirty)


def api_client(rng, number, prefix, episodes=None):
    """One client of the client API: its episodes (each with its placements) and, mostly, a plan
    with its goals."""
    code = identity_code(rng)
    client_id = f"{prefix}-A{number:04d}"
    if episodes is None:
        episodes = [plain_episode(rng, number * 10 + k, prefix) for k in range(rng.choice([0, 1, 1, 2, 3]))]
    plans = []
    if episodes and rng.random() < 0.8:
        drawn = episodes[0]["start"] - datetime.timedelta(days=14)
        plans.append({"id": f"{client_id}-S1", "service": episodes[0]["service"], "drawn": drawn,
                      "next": drawn + datetime.timedelta(days=182),
                      "goals": [{"text": text, "status": GOAL_CODES[rng.choice(GOAL_STATUSES)]}
                                for text in rng.sample(GOAL_TEXTS, rng.choice([1, 2, 3]))]})
    return {"id": client_id, "code": code, "episodes": episodes, "plans": plans}


# The deliberately dirty clients of the client-per-record dialects: each rule, and the field its
# fault names where it lies deep inside the client's document.
CLIENT_API_FAULTS = [("identity-code.control", ""), ("map.code-unmapped", "/palvelujaksot/1/palvelu"),
                     ("map.date", "/palvelujaksot/0/tyojaksot/1/alku"), ("episode.end-before-start", ""),
                     ("map.code-unmapped", "/suunnitelmat/0/tavoitteet/1/tila")]
XML_CLIENT_FAULTS = [("identity-code.control", ""), ("map.code-unmapped", "/jakso/1/palvelu/0/@koodi"),
                     ("map.date", "/jakso/1/aika/0/@alku"), ("episode.end-before-start", "")]


def clients_export(rng, prefix, faults, rows=30):
    """The clients of one municipality on a client-per-record dialect: clean ones, one exact
    repeat, and one deliberately dirty client per fault (listed with its rule and field)."""
    clients = [api_client(rng, n, prefix) for n in range(1, rows + 1)]
    dirty = []
    for rule, field in faults:
        number = len(clients) + 1
        episodes = [plain_episode(rng, number * 10 + k, prefix) for k in range(2)]
        for episode in episodes:
            episode["placements"] = [{"type": "open_work_activity", "start": episode["start"], "end": None},
                                     {"type": "paid_work", "start": episode["start"], "end": None}]
        client = api_client(rng, number, prefix, episodes)
        client["plans"] = [{"id": f"{client['id']}-S1", "service": episodes[0]["service"], "drawn": episodes[0]["start"],
                            "next": None, "goals": [{"text": t, "status": "kesken"} for t in GOAL_TEXTS[:2]]}]
        if rule == "identity-code.control":
            client["code"] = wrong_control(client["code"])
        elif rule == "map.code-unmapped" and "/tila" not in field:
            episodes[1]["service"] = "unknown"
        elif "/tyojaksot/" in field:
            episodes[0]["placements"][1]["start"] = "impossible"
        elif "/aika/" in field:
            episodes[1]["start"] = "impossible"
        elif field.endswith("/tila"):
            client["plans"][0]["goals"][1]["status"] = "unknown"
        else:
            spoil_episode(episodes[1], rule)
        clients.insert(rng.randrange(1, len(clients)), client)
        dirty.append((client, rule, field))
    spoilt = {id(c) for c, _, _ in dirty}
    clients.insert(rng.randrange(5, len(clients)), next(c for c in clients[3:] if id(c) not in spoilt))
    return clients, dirty


def write_client_api(folder, code, clients, dirty):
    """The client API: one document per client under /data/asiakkaat, one per line, ISO dates, the
    client's episodes with their work placements, and its plans with their goals."""
    def record(c):
        return {
            "asiakasnumero": c["id"], "henkilotunnus": c["code"], "kotikunta": code,
            "palvelujaksot": [{
                "jaksotunnus": e["id"], "palvelu": code_of(SERVICE_CODES, e["service"], 2),
                "tuottaja": {"nimi": "Palveluyhtiö Oy", "tyyppi": PRODUCER_CODES[e["producer_type"]][2]},
                "ohjaus": REFERRAL_CODES[e["referral"]][2], "alkupvm": date_text(e["start"], "iso"),
                "loppupvm": date_text(e["end"], "iso") or None, "tavoitteet_asetettu": e["goals"],
                "palaute_kirjoitettu": e["feedback"], "viikkotunnit": e["hours"],
                "tyojaksot": [{"tunnus": f"{e['id']}-T{i + 1}", "tyyppi": JSON_PLACEMENTS[p["type"]],
                               "alku": date_text(p["start"], "iso"), "loppu": date_text(p["end"], "iso") or None}
                              for i, p in enumerate(e["placements"])]} for e in c["episodes"]],
            "suunnitelmat": [{"id": s["id"], "palvelu": code_of(SERVICE_CODES, s["service"], 2),
                              "laadittu": date_text(s["drawn"], "iso"),
                              "seuraava_tarkistus": date_text(s["next"], "iso") or None, "tarkistusvali_kk": 6,
                              "tavoitteet": [{"teksti": g["text"], "tila": g["status"]} for g in s["goals"]]}
                             for s in c["plans"]]}
    write_lines(folder, "asiakkaat.json", "utf-8",
                ['{"meta": {"api": "abilita-asiakas/2", "generated": "2022-12-31T22:00:00+02:00"}, "data": {"asiakkaat": ['],
                 clients, lambda number, c: json_line(number, record(c)), "]}}", dirty)


def write_other_municipalities(out_dir, rng):
    for dialect, municipalities in OTHER_MUNICIPALITIES.items():
        for code, slug, town in municipalities:
            folder = os.path.join(out_dir, slug)
            os.makedirs(folder, exist_ok=True)
            prefix = slug[:3].upper() + code
            if dialect == "client-api":
                write_client_api(folder, code, *clients_export(rng, prefix, CLIENT_API_FAULTS))
                continue
            if dialect == "xml-clients":
                write_xml_clients(folder, town, *clients_export(rng, prefix, XML_CLIENT_FAULTS))
                continue
            episodes, dirty = other_export(rng, prefix, deep=dialect == "json")
            if dialect == "legacy-csv":
                write_legacy_csv(folder, code, town, episodes, dirty)
            elif dialect == "xml":
                write_xml(folder, town, episodes, dirty)
            else:
                write_json(folder, code, episodes, dirty)


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
    # Some people moved between municipalities: the same person and code, another service.
    # Their records must link up under one regional client id. Beside each, in the second
    # municipality, a namesake: born the same day with the same individual number, told apart
    # by the century sign alone (possible since 2023), who must never be merged with them.
    for (first, _), (second, _) in zip(exports, exports[1:]):
        for row in [r for r in first.rows if r["TIETUE"] == "JAKSO" and not r.get("_dirty")][:2]:
            for code in (row["HETU"], other_sign(row["HETU"])):
                client = second.new_client(code=code)
                episode = second.episode(client, "social_rehabilitation")
                second.add_episode(client, episode)
    for export, dirty in exports:
        write_export(args.out, export, dirty)
    write_other_municipalities(args.out, rng)


if __name__ == "__main__":
    main()
