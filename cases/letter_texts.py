# ruff: noqa: E501 -- a paragraph of a letter is one line: the PDF wraps it, a break in the source would print.
"""The letter templates every municipal office starts with, and the fixed words of a translated letter.

The texts are data, not code: the data migration ``0013_letters_shipped_templates`` and
``letter_templates_install`` copy them into each organisation's own templates, which the team lead then
checks and adapts. Until then every template is marked "Vorlage – vor Verwendung von der Stadt zu prüfen".
Letters to the client carry a Bulgarian and a Romanian translation; letters to landlords and the
Jobcenter are German only.
"""

CLIENT_ADDRESS = "{{ client.name }}\n{{ client.address }}"

SHIPPED_TEMPLATES = {
    "court_notice_first": {
        "title": "Erstes Anschreiben nach Mitteilung des Gerichts (Räumungsklage)",
        "client_facing": True,
        "address_block": CLIENT_ADDRESS,
        "subject": "Ihre Wohnung – unser Angebot der Unterstützung (Aktenzeichen {{ notice.court_file_number }})",
        "body_de": """Guten Tag {{ client.name }},

das Amtsgericht hat uns mitgeteilt, dass gegen Sie eine Klage auf Räumung Ihrer Wohnung erhoben worden ist (Aktenzeichen {{ notice.court_file_number }}). Wir möchten Ihnen helfen, Ihre Wohnung zu erhalten.

Unsere Hilfe ist freiwillig und kostenlos. Oft lässt sich eine Räumung noch abwenden, zum Beispiel wenn Mietschulden rechtzeitig übernommen oder in Raten gezahlt werden. Dafür ist es wichtig, schnell zu handeln: Bestimmte Fristen laufen bereits.

Wir laden Sie zu einem Gespräch ein:
Datum: {{ appointment.date }}
Uhrzeit: {{ appointment.time }} Uhr
Ort: {{ appointment.place }}

Bitte bringen Sie, soweit vorhanden, mit: Mietvertrag, Kündigung und Schreiben des Gerichts, Kontoauszüge der letzten drei Monate, Bescheide des Jobcenters oder des Sozialamts sowie Ihren Ausweis.

Wenn Sie den Termin nicht wahrnehmen können, rufen Sie uns bitte an: {{ worker.phone }}. Wir vereinbaren dann gern einen anderen Termin.

Mit freundlichen Grüßen

{{ worker.name }}""",
        "body_bg": """Здравейте, {{ client.name }},

районният съд (Amtsgericht) ни уведоми, че срещу Вас е заведен иск за опразване на жилището Ви (номер на делото {{ notice.court_file_number }}). Бихме искали да Ви помогнем да запазите жилището си.

Нашата помощ е доброволна и безплатна. Често извеждането от жилището все още може да бъде предотвратено, например ако задълженията за наем бъдат поети навреме или изплатени на вноски. Затова е важно да действате бързо: някои срокове вече текат.

Каним Ви на разговор:
Дата: {{ appointment.date }}
Час: {{ appointment.time }} ч.
Място: {{ appointment.place }}

Моля, носете със себе си, ако имате: договора за наем, предизвестието за прекратяване и писмата от съда, банкови извлечения за последните три месеца, решенията на Jobcenter или на социалната служба (Sozialamt), както и личната си карта.

Ако не можете да дойдете на тази среща, моля, обадете ни се: {{ worker.phone }}. С удоволствие ще уговорим друга среща.

С уважение
{{ worker.name }}""",
        "body_ro": """Bună ziua, {{ client.name }},

Judecătoria (Amtsgericht) ne-a informat că împotriva dumneavoastră a fost introdusă o acțiune de evacuare din locuință (numărul dosarului {{ notice.court_file_number }}). Dorim să vă ajutăm să vă păstrați locuința.

Ajutorul nostru este voluntar și gratuit. Adesea evacuarea mai poate fi evitată, de exemplu dacă datoriile la chirie sunt preluate la timp sau plătite în rate. De aceea este important să acționați repede: anumite termene curg deja.

Vă invităm la o discuție:
Data: {{ appointment.date }}
Ora: {{ appointment.time }}
Locul: {{ appointment.place }}

Vă rugăm să aduceți, dacă le aveți: contractul de închiriere, rezilierea și scrisorile de la instanță, extrasele de cont din ultimele trei luni, deciziile de la Jobcenter sau de la oficiul de asistență socială (Sozialamt), precum și actul de identitate.

Dacă nu puteți veni la această întâlnire, vă rugăm să ne sunați: {{ worker.phone }}. Vom stabili cu plăcere o altă întâlnire.

Cu stimă,
{{ worker.name }}""",
    },
    "appointment": {
        "title": "Terminbrief",
        "client_facing": True,
        "address_block": CLIENT_ADDRESS,
        "subject": "Ihr Termin am {{ appointment.date }}",
        "body_de": """Guten Tag {{ client.name }},

wir bestätigen Ihnen folgenden Termin:
Datum: {{ appointment.date }}
Uhrzeit: {{ appointment.time }} Uhr
Ort: {{ appointment.place }}
Ihre Ansprechperson: {{ worker.name }}

Bitte bringen Sie Ihren Ausweis und die Unterlagen mit, über die wir gesprochen haben. Wenn Sie eine Dolmetscherin oder einen Dolmetscher brauchen, sagen Sie uns bitte vorher Bescheid.

Wenn Sie den Termin nicht wahrnehmen können, sagen Sie ihn bitte rechtzeitig ab: Telefon {{ worker.phone }}.

Mit freundlichen Grüßen

{{ worker.name }}""",
        "body_bg": """Здравейте, {{ client.name }},

потвърждаваме Ви следната среща:
Дата: {{ appointment.date }}
Час: {{ appointment.time }} ч.
Място: {{ appointment.place }}
Лице за контакт: {{ worker.name }}

Моля, носете личната си карта и документите, за които говорихме. Ако имате нужда от преводач, моля, кажете ни предварително.

Ако не можете да дойдете, моля, откажете срещата навреме: телефон {{ worker.phone }}.

С уважение
{{ worker.name }}""",
        "body_ro": """Bună ziua, {{ client.name }},

vă confirmăm următoarea întâlnire:
Data: {{ appointment.date }}
Ora: {{ appointment.time }}
Locul: {{ appointment.place }}
Persoana de contact: {{ worker.name }}

Vă rugăm să aduceți actul de identitate și documentele despre care am vorbit. Dacă aveți nevoie de un interpret, vă rugăm să ne anunțați din timp.

Dacă nu puteți veni, vă rugăm să anulați întâlnirea din timp: telefon {{ worker.phone }}.

Cu stimă,
{{ worker.name }}""",
    },
    "consent": {
        "title": "Einwilligung in den Austausch mit einem Kooperationspartner (Schweigepflichtentbindung)",
        "client_facing": True,
        "address_block": CLIENT_ADDRESS,
        "subject": "Einwilligung in die Weitergabe von Daten (Schweigepflichtentbindung)",
        "body_de": """Ich, {{ client.name }} (Aktenzeichen {{ client.case_number }}), willige ein, dass {{ organisation.name }} und {{ partner.name }} Angaben über mich austauschen, soweit dies für folgenden Zweck erforderlich ist:

{{ consent.scope }}

Ausgetauscht werden nur die Angaben, die für diesen Zweck nötig sind (zum Beispiel Name, Anschrift, Wohnsituation, Einkommen und der Stand der Hilfe).

Diese Einwilligung ist freiwillig. Wenn ich sie nicht gebe, entstehen mir daraus keine Nachteile in der Beratung. Ich kann sie jederzeit ohne Angabe von Gründen mit Wirkung für die Zukunft widerrufen, mündlich oder schriftlich bei {{ organisation.name }}. Der Widerruf berührt nicht die Rechtmäßigkeit des bis dahin erfolgten Austauschs.

Die Einwilligung gilt bis zum Abschluss der Hilfe, längstens zwei Jahre ab dem Tag der Unterschrift.

Eine Kopie dieser Erklärung habe ich erhalten.


Ort, Datum: ______________________________


Unterschrift: ______________________________""",
        "body_bg": """Аз, {{ client.name }} (номер на досието {{ client.case_number }}), давам съгласието си {{ organisation.name }} и {{ partner.name }} да обменят данни за мен, доколкото това е необходимо за следната цел:

{{ consent.scope }}

Обменят се само данните, които са необходими за тази цел (например име, адрес, жилищно положение, доходи и етап на помощта).

Това съгласие е доброволно. Ако не го дам, това няма да има неблагоприятни последици за консултирането ми. Мога да го оттегля по всяко време, без да посочвам причини, с действие за в бъдеще – устно или писмено пред {{ organisation.name }}. Оттеглянето не засяга законосъобразността на обмена на данни, извършен дотогава.

Съгласието е валидно до приключване на помощта, но не повече от две години от деня на подписването.

Получих копие от тази декларация.""",
        "body_ro": """Subsemnatul/Subsemnata {{ client.name }} (numărul dosarului {{ client.case_number }}) îmi dau acordul ca {{ organisation.name }} și {{ partner.name }} să facă schimb de date despre mine, în măsura în care acest lucru este necesar pentru următorul scop:

{{ consent.scope }}

Se transmit numai datele necesare pentru acest scop (de exemplu numele, adresa, situația locativă, veniturile și stadiul ajutorului).

Acest acord este voluntar. Dacă nu mi-l dau, nu voi avea niciun dezavantaj în consiliere. Îl pot retrage oricând, fără a indica motive, cu efect pentru viitor, verbal sau în scris, la {{ organisation.name }}. Retragerea nu afectează legalitatea schimbului de date efectuat până atunci.

Acordul este valabil până la încheierea ajutorului, dar cel mult doi ani de la data semnării.

Am primit o copie a acestei declarații.""",
    },
    "jobcenter_confirmation": {
        "title": "Bestätigung für das Jobcenter",
        "client_facing": False,
        "address_block": "{{ partner.name }}\n{{ partner.address }}",
        "subject": "Bestätigung der Beratung: {{ client.name }}",
        "body_de": """Sehr geehrte Damen und Herren,

hiermit bestätigen wir, dass {{ client.name }} (unser Aktenzeichen {{ client.case_number }}) von uns wegen eines Wohnungsnotfalls beraten und unterstützt wird.

Die Einwilligung der Person in den Austausch mit Ihnen liegt uns vor. Für Rückfragen erreichen Sie {{ worker.name }} unter {{ worker.phone }} oder {{ worker.email }}.

Mit freundlichen Grüßen

{{ worker.name }}""",
        "body_bg": "",
        "body_ro": "",
    },
    "landlord_proposal": {
        "title": "Vorschlag eines Haushalts an Vermieter*innen",
        "client_facing": False,
        "address_block": "{{ offer.landlord }}\n{{ offer.landlord_address }}",
        "subject": "Mietinteresse für Ihre Wohnung {{ offer.address }}",
        "body_de": """Sehr geehrte Damen und Herren,

vielen Dank, dass Sie uns Ihre Wohnung {{ offer.address }} ({{ offer.rooms }} Zimmer, {{ offer.living_space }} m², Kaltmiete {{ offer.cold_rent }}) angeboten haben.

Wir schlagen Ihnen als Mieterin oder Mieter {{ client.name }} vor. Der Haushalt umfasst {{ client.household_size }} Person(en). Die Person hat eingewilligt, dass wir Ihnen diese Angaben weitergeben.

Wir begleiten den Haushalt bei der Wohnungssuche und stehen Ihnen auch nach dem Einzug als Ansprechpartner zur Verfügung. Ob die Miete im Rahmen der angemessenen Kosten der Unterkunft liegt, klären wir vorab mit dem zuständigen Leistungsträger.

Gern vereinbaren wir einen Besichtigungstermin. Sie erreichen mich unter {{ worker.phone }}.

Mit freundlichen Grüßen

{{ worker.name }}""",
        "body_bg": "",
        "body_ro": "",
    },
}

#: The languages a client-facing letter can add after the German text (code, German name).
TRANSLATION_LANGUAGES = {"bg": "Bulgarisch", "ro": "Rumänisch"}

#: The heading and the note that open a translation: the German text is the binding one.
TRANSLATION_HEADINGS = {
    "bg": (
        "Превод на български език",
        "Този превод служи само за улеснение. Правно обвързващ е текстът на немски език.",
    ),
    "ro": (
        "Traducere în limba română",
        "Această traducere are doar scop informativ. Textul în limba germană este singurul obligatoriu din punct de vedere juridic.",
    ),
}

#: The note under the German text of a letter that has a translation.
GERMAN_BINDING_NOTE = {
    "bg": "Eine Übersetzung ins Bulgarische folgt. Verbindlich ist allein der deutsche Text.",
    "ro": "Eine Übersetzung ins Rumänische folgt. Verbindlich ist allein der deutsche Text.",
}

#: The scopes of a consent (hagen_zuhause.codes.ConsentScope) in the words of each language of a letter.
CONSENT_SCOPES = {
    "de": {
        "referral": "Vermittlung an den Kooperationspartner und Austausch mit ihm",
        "housing": "Weitergabe von Angaben an Vermieterinnen und Vermieter",
        "authorities": "Austausch mit Behörden (Jobcenter, Sozialamt)",
        "other": "sonstiger Zweck",
    },
    "bg": {
        "referral": "насочване към партньорската организация и обмен на данни с нея",
        "housing": "предаване на данни на наемодатели",
        "authorities": "обмен на данни с институции (Jobcenter, социална служба)",
        "other": "друга цел",
    },
    "ro": {
        "referral": "trimiterea către organizația parteneră și schimbul de date cu aceasta",
        "housing": "transmiterea datelor către proprietari",
        "authorities": "schimbul de date cu autoritățile (Jobcenter, oficiul de asistență socială)",
        "other": "alt scop",
    },
}
