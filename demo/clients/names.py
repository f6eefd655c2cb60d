"""The names of the demo people by nationality, with their Cyrillic and plain spellings, and the planted
near-duplicates: where in a run they go and how the copy spells the name."""


def _words(text):
    return text.split()


# --- Names ----------------------------------------------------------------------------------
# (female first names, male first names, last names, rule for female last names)

_GERMAN = (
    _words("Sabine Petra Monika Andrea Claudia Nicole Jana Ute Heike Renate Gisela Lea Sarah Jessica Birgit Doris"),
    _words("Jürgen Klaus Peter Thomas Michael Uwe Dieter Rainer Stefan Frank Horst Sven Dennis Kevin Marco Heinz"),
    _words(
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter "
        "Klein Wolf Schröder Neumann Schwarz Zimmermann Krüger Hartmann Lange Weiß Groß Jäger Voß Köhler Strauß"
    ),
    None,
)
_BULGARIAN = (
    _words("Maria Elena Desislava Ivanka Radka Snezhana Galina Tsvetelina Yana Milena"),
    _words("Georgi Ivan Dimitar Nikolay Petar Stoyan Hristo Asen Yordan Angel"),
    _words("Ivanov Petrov Georgiev Dimitrov Stoyanov Nikolov Hristov Yordanov Todorov Kolev Angelov Asenov"),
    "a",  # Ivanova, Petrova …
)
_BULGARIAN_CYRILLIC = dict(
    zip(
        _BULGARIAN[0] + _BULGARIAN[1] + _BULGARIAN[2],
        _words(
            "Мария Елена Десислава Иванка Радка Снежана Галина Цветелина Яна Милена "
            "Георги Иван Димитър Николай Петър Стоян Христо Асен Йордан Ангел "
            "Иванов Петров Георгиев Димитров Стоянов Николов Христов Йорданов Тодоров Колев Ангелов Асенов"
        ),
        strict=True,
    )
)
_ROMANIAN = (
    _words("Ioana Elena Mădălina Alexandra Cătălina Florentina Mirela Ana Ștefania Loredana"),
    _words("Ștefan Ionuț Mihai Andrei Florin Constantin Gheorghe Vasile Răzvan Costel"),
    _words(
        "Popescu Ionescu Stănescu Constantin Dumitrescu Țurcanu Mureșan Rădulescu Lăcătuș Bălan Stoica Șerban "
        "Căldăraru Niță"
    ),
    None,
)
_TURKISH = (
    _words("Ayşe Fatma Emine Zeynep Elif Hatice Gül Derya Büşra Songül"),
    _words("Mehmet Ahmet Mustafa Hüseyin Emre Hakan Murat Yusuf İbrahim Özgür"),
    _words("Yılmaz Kaya Demir Şahin Çelik Yıldız Öztürk Aydın Arslan Doğan Kılıç"),
    None,
)
_POLISH = (
    _words("Anna Katarzyna Małgorzata Agnieszka Joanna Ewa Beata Dorota"),
    _words("Piotr Krzysztof Tomasz Paweł Łukasz Marek Grzegorz Andrzej"),
    _words("Nowak Kowalski Wiśniewski Wójcik Kamiński Lewandowski Zieliński Szymański"),
    "polish",  # Kowalska, Wiśniewska …
)
_SYRIAN = (
    _words("Fatima Aisha Rana Lina Huda Mariam Noor Samira"),
    _words("Mohammad Ahmad Khaled Omar Yousef Hassan Ali Mahmoud"),
    _words("Al-Hassan Haddad Khalil Darwish Al-Ahmad Nasser Hamdan Saleh"),
    None,
)
_UKRAINIAN = (
    _words("Olena Iryna Nataliia Oksana Tetiana"),
    _words("Oleksandr Andrii Serhii Dmytro Mykola"),
    _words("Shevchenko Kovalenko Bondarenko Tkachenko Kravchenko Melnyk Boiko"),
    None,
)
_UKRAINIAN_CYRILLIC = dict(
    zip(
        _UKRAINIAN[0] + _UKRAINIAN[1] + _UKRAINIAN[2],
        _words(
            "Олена Ірина Наталія Оксана Тетяна Олександр Андрій Сергій Дмитро Микола "
            "Шевченко Коваленко Бондаренко Ткаченко Кравченко Мельник Бойко"
        ),
        strict=True,
    )
)
NAMES = {
    "DE": _GERMAN,
    "BG": _BULGARIAN,
    "RO": _ROMANIAN,
    "TR": _TURKISH,
    "PL": _POLISH,
    "SY": _SYRIAN,
    "UA": _UKRAINIAN,
}

#: Kinds of planted near-duplicates: the original is drawn to fit the kind, its copy is spelled differently.
PLANTED_KINDS = ("cyrillic", "eszett", "romanian", "swapped")
_PLANTED_NATIONALITY = {"cyrillic": "BG", "eszett": "DE", "romanian": "RO"}
_PLANTED_NAMES = {
    "eszett": (["Jördis", "Käthe", "Gül"], ["Jürgen", "Günter", "Jörg"], ["Weiß", "Groß", "Strauß", "Voß", "Köhler"]),
    "romanian": (["Ștefania"], ["Ștefan", "Ionuț"], ["Mureșan", "Țurcanu", "Lăcătuș", "Șerban", "Niță"]),
}

# Nationality mix: BG + RO = 30 % (almost all of them in the EU-2 group).
NATIONALITIES = [("DE", 38), ("BG", 15), ("RO", 15), ("TR", 8), ("PL", 6), ("SY", 6), ("UA", 5), ("unknown", 7)]
LANGUAGES = {"DE": ["de"], "BG": ["bg"], "RO": ["ro"], "TR": ["tr", "de"], "PL": ["pl"], "SY": ["ar"],
             "UA": ["uk", "ru"], "unknown": []}  # fmt: skip

_ROMANIAN_PLAIN = str.maketrans("ășțâîĂȘȚÂÎşţŞŢ", "astaiASTAIstST")
_ROMANIAN_CEDILLA = str.maketrans("șțȘȚ", "şţŞŢ")
_TURKISH_PLAIN = str.maketrans("ıİşŞçÇğĞöÖüÜ", "iIsScCgGoOuU")
_GERMAN_PLAIN = {"ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}


def _female_last_name(last_name, rule):
    if rule == "a" and last_name.endswith("v"):
        return last_name + "a"
    if rule == "polish" and last_name.endswith("ski"):
        return last_name[:-1] + "a"
    return last_name


def _cyrillic(name, table):
    if name in table:
        return table[name]
    if name.endswith("a") and name[:-1] in table:
        return table[name[:-1]] + "а"
    return None


def _german_plain(name):
    return "".join(_GERMAN_PLAIN.get(char, char) for char in name)


def _duplicate_spelling(original, kind):
    """How the planted duplicate of ``original`` writes the same name."""
    first, last = original.client["first_name"], original.client["last_name"]
    if kind == "cyrillic":  # the original is written in Cyrillic; this record in German transliteration
        latin = next(((alias[0], alias[1]) for alias in original.aliases if alias[2].startswith("Lateinische")), None)
        first, last = latin or (first, last)
        return first, last.replace("v", "w")
    if kind == "eszett":  # ß as ss, umlauts written out
        return _german_plain(first), _german_plain(last)
    if kind == "romanian":  # comma below (ș, ț) written with a cedilla (ş, ţ)
        return first.translate(_ROMANIAN_CEDILLA), last.translate(_ROMANIAN_CEDILLA)
    return last, first  # first and last name swapped


def _planned_duplicates(count):
    """Positions (within the run) of planted duplicates: {copy: (original, kind)}.

    A few pairs (at least four, one per kind, when the run is large enough; one per 60 people up to
    200), spread over the run; each copy comes right after its original.
    """
    pairs = min(max(count // 60, len(PLANTED_KINDS)), 200) if count >= 2 * len(PLANTED_KINDS) else count // 2
    step = max(2, count // max(pairs, 1))
    return {
        start + 1: (start, PLANTED_KINDS[number % len(PLANTED_KINDS)])
        for number, start in enumerate(range(0, step * pairs, step))
        if start + 1 < count
    }
