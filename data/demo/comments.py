"""Verbatim comments for the demo warehouse, composed from sentence fragments.

A comment is up to four sentences: an opening, a subject sentence about the topic (always present), a
detail and a closing, each picked from lists keyed by language and sentiment (the subject also by topic).
Every fragment is a whole sentence, so any combination stays grammatical in every language. Selection is
vectorised: all fragments live in one Arrow string array and each slot is a `take` with random indices,
so composing a million comments costs a few array operations, not a Python loop per comment.

Mostly English; some Finnish, French, Hungarian, Spanish and Persian. Some fragments carry characters
that need HTML escaping ("<3", "Q&A", quotes), as real verbatims do.
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

LANGUAGES = ("en", "fi", "fr", "hu", "es", "fa")
LANGUAGE_SHARE = (0.78, 0.04, 0.06, 0.03, 0.06, 0.03)
SENTIMENTS = ("negative", "mixed", "positive")
TOPICS = (
    "website",
    "sales",
    "checkout",
    "store",
    "onboarding",
    "app",
    "billing",
    "waiting",
    "staff",
    "chat",
    "technician",
    "price",
    "overall",
    "workplace",
)
#: Employees' comments (eNPS) are about their work: opening + subject only, no customer-style detail.
EMPLOYEE_TOPICS = ("workplace",)

# Per language: generic opening / detail / closing sentences by sentiment ("" = leave the slot empty),
# and subject sentences by topic as (negative, mixed, positive), each a string or a tuple of variants.
CORPUS = {
    "en": {
        "opening": {
            "negative": (
                "Very disappointed.",
                "Honestly, this was a bad experience.",
                "Not happy at all.",
                "Really frustrating.",
                "What a mess.",
                "I expected much better.",
                "Terrible, to be honest.",
                "Sorry, but this was poor.",
                "Awful.",
                "",
                "",
            ),
            "mixed": (
                "It was okay.",
                "Mixed feelings.",
                "Not bad, not great.",
                "Fine overall.",
                "Could be better.",
                "Decent enough.",
                "So-so.",
                "An average experience.",
                "",
                "",
            ),
            "positive": (
                "Great experience!",
                "Really impressed.",
                "Excellent.",
                "Very happy.",
                "Brilliant, thank you.",
                "Top marks.",
                "Spot on.",
                "Fantastic.",
                "Couldn't be happier.",
                "",
                "",
            ),
        },
        "detail": {
            "negative": (
                "This is the third time this has happened.",
                "It took far too long to sort out.",
                "I had to explain everything twice.",
                "Nobody followed up as promised.",
                "My partner had exactly the same problem.",
                "I'm seriously thinking about switching.",
                "I lost half a day because of this.",
                "The confirmation email never arrived.",
                "And nobody apologised.",
                "Same story as last month.",
                "",
                "",
            ),
            "mixed": (
                "Got there in the end.",
                "It took a bit longer than I hoped.",
                "Some parts were great, others not.",
                "The basics work fine.",
                "Not sure I'd recommend it yet.",
                "It did the job.",
                "Room for improvement, though.",
                "",
                "",
            ),
            "positive": (
                "Everything was sorted in minutes.",
                "It just worked.",
                "I'll definitely recommend you to friends.",
                "Much better than last time.",
                "Fast, simple and friendly.",
                "Exactly what I needed.",
                "Really appreciated.",
                "You've earned a loyal customer.",
                "",
                "",
            ),
        },
        "closing": {
            "negative": (
                "Please fix this.",
                "Not good enough.",
                "Something has to change.",
                "Very poor overall.",
                "Do better.",
                "",
                "",
                "",
            ),
            "mixed": (
                "Keep improving.",
                "Thanks anyway.",
                "Hope it gets better.",
                "Small changes would make a big difference.",
                "",
                "",
                "",
            ),
            "positive": (
                "Thanks!",
                "Keep it up.",
                "Thank you so much!",
                "Cheers!",
                "5 stars from me.",
                "Well done, team.",
                "",
                "",
            ),
        },
        "subject": {
            "website": (
                (
                    "The search on your website never finds what I'm looking for.",
                    "Your website kept timing out.",
                    "The help pages are out of date and contradict each other.",
                    "I couldn't find the price anywhere on the site.",
                ),
                (
                    "The website has the information, but it is hard to find.",
                    "Search works if you know the exact product name.",
                    "The help articles are useful but far too long.",
                ),
                (
                    "Found exactly what I needed on the website in seconds.",
                    "The help pages answered my question straight away.",
                    "The website is clear and easy to navigate.",
                ),
            ),
            "sales": (
                (
                    "The sales rep did not understand our requirements.",
                    "We waited two weeks for a quote.",
                    "The proposal was full of hidden extras.",
                ),
                (
                    "The account manager was helpful but slow to reply.",
                    "Good demo, but the quote was confusing.",
                ),
                (
                    "Our account manager really understands our business.",
                    "Clear proposal and a fair quote within two days.",
                    "The Q&A session with your sales team was excellent.",
                ),
            ),
            "checkout": (
                (
                    "The checkout crashed at the payment step.",
                    "My card was charged twice at checkout.",
                    "The discount code was rejected at checkout.",
                    'The "express" delivery option disappeared at the last step.',
                ),
                (
                    "Checkout worked, but there were too many steps.",
                    "Paying was easy, but the delivery options were confusing.",
                    "It took a couple of tries to get through checkout.",
                ),
                (
                    "Checkout took less than a minute.",
                    "The new checkout is so much smoother.",
                    "Paying with my saved card was effortless.",
                ),
            ),
            "store": (
                (
                    "The store was understaffed and the queue went out the door.",
                    "The item shown online was not in stock in the store.",
                    "Nobody in the store could answer a simple question.",
                ),
                (
                    "The store was busy, but I got what I needed.",
                    "Nice store, but the queue at the till was long.",
                ),
                (
                    "The store team went out of their way to help.",
                    "Quick and friendly service in the store.",
                    "The store had everything in stock.",
                ),
            ),
            "onboarding": (
                (
                    "Setting up my account took days.",
                    "The welcome call never happened.",
                    "Activation failed and I had to start again.",
                ),
                (
                    "Setup was fine once I found the right instructions.",
                    "The welcome call was useful but far too long.",
                ),
                (
                    "Setup was done in five minutes.",
                    "The welcome call explained everything clearly.",
                    "Activation was instant.",
                ),
            ),
            "app": (
                (
                    "The app keeps logging me out.",
                    "The latest app update broke the login.",
                    "The app crashes every time I open my invoices.",
                ),
                (
                    "The app is fine, but it is slow to load.",
                    "Good app, but the notifications are far too frequent.",
                ),
                (
                    "The app is fast and does everything I need.",
                    "Love the new app <3",
                    "Dark mode in the app is great.",
                ),
            ),
            "billing": (
                (
                    "My bill was wrong again.",
                    "I was charged for a service I had cancelled.",
                    "The new prices were not explained anywhere on my invoice.",
                    "The T&Cs on the invoice are impossible to understand.",
                ),
                (
                    "The bill is correct, but it is hard to read.",
                    "Paying is easy, but the price increase was a surprise.",
                ),
                (
                    "The invoice is clear and easy to understand.",
                    "Setting up direct debit was simple.",
                    "My billing question was sorted in one message.",
                ),
            ),
            "waiting": (
                (
                    "I was on hold for 45 minutes.",
                    "I waited over an hour for someone to answer.",
                    "The call dropped after 30 minutes in the queue.",
                    'The "24/7" line closed at 8 pm.',
                ),
                (
                    "The wait was long, but the agent fixed it.",
                    "I had to wait a while, but the call back came as promised.",
                ),
                (
                    "Someone answered within a minute.",
                    "No waiting at all.",
                    "The call back came exactly when promised.",
                ),
            ),
            "staff": (
                (
                    "The agent was rude and kept interrupting me.",
                    "I was passed from one team to another.",
                    "The person I spoke to clearly had no training.",
                ),
                (
                    "The staff were friendly but could not solve it.",
                    "Helpful agent, but I had to repeat my details.",
                ),
                (
                    "The agent was patient and knew exactly what to do.",
                    "Huge thanks to the staff member who helped me.",
                    "Friendly, knowledgeable staff.",
                ),
            ),
            "chat": (
                (
                    "The chat bot just went round in circles.",
                    "The chat closed before anyone replied.",
                    "The chat agent pasted the same answer three times.",
                ),
                (
                    "The chat was useful once I got past the bot.",
                    "Chat solved it, but it was slow.",
                ),
                (
                    "The chat answered my question straight away.",
                    "Chat is the quickest way to reach you.",
                    "Great chat support, quick and to the point.",
                ),
            ),
            "technician": (
                (
                    "The technician did not turn up.",
                    "The technician arrived without the right parts.",
                    "The engineer left a mess and the fault is still there.",
                ),
                (
                    "The technician fixed it, but came three hours late.",
                    "Good repair, but the time slot was far too wide.",
                ),
                (
                    "The technician arrived on time and fixed it quickly.",
                    "The engineer explained everything and tidied up.",
                    "Installation was quick and professional.",
                ),
            ),
            "price": (
                (
                    "The price went up again without any warning.",
                    "My renewal costs >20% more than last year.",
                    "You give better deals to new customers than to loyal ones.",
                ),
                (
                    "The price is fair, but the renewal offer could be better.",
                    "Good value, although the increase was a surprise.",
                ),
                (
                    "The renewal offer was fair.",
                    "Good value for money.",
                    "The loyalty discount was a nice surprise.",
                ),
            ),
            "overall": (
                (
                    "I've been a customer for ten years and it has never been this bad.",
                    "I would not recommend you to anyone right now.",
                    "Everything feels harder than it should be.",
                ),
                (
                    "You are fine, but nothing special.",
                    "Reliable service, but the extras are overpriced.",
                ),
                (
                    "I have been a customer for years and never had a problem.",
                    "Reliable, fair and easy to deal with.",
                    "I recommend you to everyone I know.",
                ),
            ),
            "workplace": (
                (
                    "We are understaffed every weekend.",
                    "Our systems freeze several times a day.",
                    "Nobody listens to feedback from the front line.",
                ),
                (
                    "Great team, but the targets are unrealistic.",
                    "The training is good, but the tools are outdated.",
                ),
                (
                    "My team lead really supports us.",
                    "The new scheduling tool made rotas so much easier.",
                    "I am proud of the service we give.",
                ),
            ),
        },
    },
    "fi": {
        "opening": {
            "negative": (
                "Todella pettynyt.",
                "Huono kokemus.",
                "Ei ollenkaan hyvä.",
                "Tosi turhauttavaa.",
                "",
            ),
            "mixed": ("Ihan ok.", "Ei huono, mutta ei hyväkään.", "Menettelee.", ""),
            "positive": ("Loistava kokemus!", "Todella tyytyväinen.", "Erinomaista palvelua.", "Kiitos!", ""),
        },
        "detail": {
            "negative": (
                "Sama ongelma toistuu jo kolmatta kertaa.",
                "Kukaan ei soittanut takaisin, vaikka niin luvattiin.",
                "Harkitsen vakavasti palveluntarjoajan vaihtamista.",
                "",
            ),
            "mixed": ("Lopulta asia hoitui.", "Kesti vähän liian kauan.", ""),
            "positive": ("Kaikki hoitui muutamassa minuutissa.", "Suosittelen lämpimästi.", ""),
        },
        "closing": {
            "negative": ("Korjatkaa tämä pian.", "Tämä ei riitä.", ""),
            "mixed": ("Toivottavasti tilanne paranee.", ""),
            "positive": ("Kiitos paljon!", "Jatkakaa samaan malliin.", ""),
        },
        "subject": {
            "website": (
                "Verkkosivujen haku ei löydä mitään.",
                "Tiedot ovat sivuilla, mutta niitä on vaikea löytää.",
                "Löysin verkkosivuilta heti sen, mitä etsin.",
            ),
            "sales": (
                "Myyjä ei ymmärtänyt tarpeitamme.",
                "Asiakasvastaava oli avulias, mutta vastasi hitaasti.",
                "Asiakasvastaavamme tuntee liiketoimintamme todella hyvin.",
            ),
            "checkout": (
                ("Kassa kaatui maksuvaiheessa.", "Korttini veloitettiin kahdesti."),
                "Tilaus onnistui, mutta vaiheita oli liikaa.",
                "Uusi kassa on paljon sujuvampi.",
            ),
            "store": (
                "Myymälässä oli liian vähän henkilökuntaa ja jono oli pitkä.",
                "Myymälässä oli ruuhkaa, mutta sain tarvitsemani.",
                "Myymälän henkilökunta oli todella avuliasta.",
            ),
            "onboarding": (
                "Tilin käyttöönotto kesti monta päivää.",
                "Käyttöönotto sujui, kun löysin oikeat ohjeet.",
                "Käyttöönotto oli valmis viidessä minuutissa.",
            ),
            "app": (
                "Sovellus kirjaa minut jatkuvasti ulos.",
                "Sovellus toimii, mutta se on hidas.",
                "Sovellus on nopea ja helppokäyttöinen.",
            ),
            "billing": (
                "Laskuni oli taas väärin.",
                "Lasku on oikein, mutta sitä on vaikea lukea.",
                "Lasku on selkeä ja helppo ymmärtää.",
            ),
            "waiting": (
                "Odotin jonossa 45 minuuttia.",
                "Jouduin odottamaan, mutta asia ratkesi.",
                "Puheluun vastattiin minuutissa.",
            ),
            "staff": (
                "Asiakaspalvelija oli epäkohtelias.",
                "Henkilökunta oli ystävällistä, mutta ei osannut auttaa.",
                "Asiakaspalvelija oli kärsivällinen ja osaava.",
            ),
            "chat": (
                "Chatbotti kiersi kehää eikä ymmärtänyt kysymystäni.",
                "Chat auttoi, mutta vastaus tuli hitaasti.",
                "Chatissa sain vastauksen heti.",
            ),
            "technician": (
                "Asentaja ei tullut ollenkaan.",
                "Asentaja korjasi vian, mutta tuli kolme tuntia myöhässä.",
                "Asentaja tuli ajallaan ja korjasi vian nopeasti.",
            ),
            "price": (
                "Hinta nousi taas ilman varoitusta.",
                "Hinta on kohtuullinen, mutta korotus yllätti.",
                "Jatkosopimuksen tarjous oli reilu.",
            ),
            "overall": (
                "En suosittelisi teitä kenellekään juuri nyt.",
                "Ihan toimiva palvelu, mutta ei mitään erityistä.",
                "Olen ollut asiakkaana vuosia enkä ole koskaan pettynyt.",
            ),
            "workplace": (
                "Viikonloppuisin meillä on aina liian vähän väkeä.",
                "Hyvä tiimi, mutta tavoitteet ovat epärealistisia.",
                "Esihenkilöni tukee meitä todella hyvin.",
            ),
        },
    },
    "fr": {
        "opening": {
            "negative": ("Très déçu.", "Franchement, une mauvaise expérience.", "Pas content du tout.", ""),
            "mixed": ("C'était correct.", "Avis mitigé.", "Ni bien ni mal.", ""),
            "positive": ("Super expérience !", "Vraiment ravi.", "Excellent service.", "Parfait, merci.", ""),
        },
        "detail": {
            "negative": (
                "C'est la troisième fois que ça arrive.",
                "Personne ne m'a rappelé comme promis.",
                "J'envisage sérieusement de changer de fournisseur.",
                "",
            ),
            "mixed": ("Finalement, le problème a été réglé.", "Ça a pris un peu trop de temps.", ""),
            "positive": ("Tout a été réglé en quelques minutes.", "Je vous recommande sans hésiter.", ""),
        },
        "closing": {
            "negative": ("Merci de corriger ça rapidement.", "Ce n'est pas acceptable.", ""),
            "mixed": ("J'espère que ça va s'améliorer.", ""),
            "positive": ("Merci beaucoup !", "Continuez comme ça.", ""),
        },
        "subject": {
            "website": (
                "La recherche sur votre site ne trouve jamais rien.",
                "Les infos sont sur le site, mais difficiles à trouver.",
                "J'ai trouvé tout de suite ce que je cherchais sur le site.",
            ),
            "sales": (
                "Le commercial n'a pas compris nos besoins.",
                "Le chargé de compte était utile, mais lent à répondre.",
                "Notre chargé de compte comprend vraiment notre activité.",
            ),
            "checkout": (
                (
                    "Le paiement a planté à la dernière étape.",
                    "Ma carte a été débitée deux fois.",
                    "L'option « express » a disparu au moment de payer.",
                ),
                "La commande a fonctionné, mais il y avait trop d'étapes.",
                "Le nouveau parcours de commande est bien plus fluide.",
            ),
            "store": (
                "Le magasin manquait de personnel et la file d'attente était interminable.",
                "Le magasin était bondé, mais j'ai trouvé ce qu'il me fallait.",
                "L'équipe du magasin a été aux petits soins.",
            ),
            "onboarding": (
                "L'activation de mon compte a pris plusieurs jours.",
                "L'installation s'est bien passée une fois les bonnes instructions trouvées.",
                "Tout était installé en cinq minutes.",
            ),
            "app": (
                "L'appli me déconnecte sans arrêt.",
                "L'appli fonctionne, mais elle est lente.",
                "L'appli est rapide et très pratique.",
            ),
            "billing": (
                "Ma facture était encore fausse.",
                "La facture est juste, mais difficile à lire.",
                "La facture est claire et facile à comprendre.",
            ),
            "waiting": (
                "J'ai attendu 45 minutes au téléphone.",
                "L'attente était longue, mais le conseiller a résolu le problème.",
                "On m'a répondu en moins d'une minute.",
            ),
            "staff": (
                "Le conseiller était désagréable.",
                "Le personnel était aimable, mais n'a pas pu m'aider.",
                "Le conseiller était patient et compétent.",
            ),
            "chat": (
                "Le chatbot tournait en rond.",
                "Le chat m'a aidé, mais les réponses étaient lentes.",
                "Le chat a répondu à ma question immédiatement.",
            ),
            "technician": (
                "Le technicien n'est jamais venu.",
                "Le technicien a réparé la panne, mais avec trois heures de retard.",
                "Le technicien est arrivé à l'heure et a tout réparé rapidement.",
            ),
            "price": (
                "Le prix a encore augmenté sans prévenir.",
                "Le prix est correct, mais la hausse m'a surpris.",
                "L'offre de renouvellement était honnête.",
            ),
            "overall": (
                "Je ne vous recommanderais à personne en ce moment.",
                "Un service correct, sans plus.",
                "Client depuis des années, je n'ai jamais eu de problème.",
            ),
            "workplace": (
                "Nous manquons de personnel tous les week-ends.",
                "Bonne équipe, mais les objectifs sont irréalistes.",
                "Mon responsable nous soutient vraiment.",
            ),
        },
    },
    "hu": {
        "opening": {
            "negative": (
                "Nagyon csalódott vagyok.",
                "Őszintén szólva rossz élmény volt.",
                "Egyáltalán nem vagyok elégedett.",
                "",
            ),
            "mixed": ("Elfogadható volt.", "Vegyes érzéseim vannak.", "Se jó, se rossz.", ""),
            "positive": ("Nagyszerű élmény!", "Nagyon elégedett vagyok.", "Kiváló szolgáltatás.", ""),
        },
        "detail": {
            "negative": (
                "Már harmadszor fordul elő ugyanez.",
                "Senki sem hívott vissza, pedig megígérték.",
                "Komolyan gondolkodom a szolgáltatóváltáson.",
                "",
            ),
            "mixed": ("Végül megoldódott.", "Kicsit tovább tartott, mint vártam.", ""),
            "positive": ("Pár perc alatt minden megoldódott.", "Mindenkinek csak ajánlani tudom.", ""),
        },
        "closing": {
            "negative": ("Kérem, javítsák ki.", "Ez így nem elfogadható.", ""),
            "mixed": ("Remélem, javul a helyzet.", ""),
            "positive": ("Köszönöm szépen!", "Csak így tovább!", ""),
        },
        "subject": {
            "website": (
                "A weboldal keresője soha nem talál semmit.",
                "Az információ fent van az oldalon, de nehéz megtalálni.",
                "A weboldalon azonnal megtaláltam, amit kerestem.",
            ),
            "sales": (
                "Az értékesítő nem értette meg az igényeinket.",
                "A kapcsolattartónk segítőkész volt, de lassan válaszolt.",
                "A kapcsolattartónk tényleg érti az üzletünket.",
            ),
            "checkout": (
                ("A fizetésnél lefagyott az oldal.", "Kétszer terhelték meg a kártyámat."),
                "A rendelés sikerült, de túl sok lépésből állt.",
                "Az új fizetési folyamat sokkal gördülékenyebb.",
            ),
            "store": (
                "Az üzletben kevés volt az eladó, és hosszú volt a sor.",
                "Zsúfolt volt az üzlet, de megkaptam, amire szükségem volt.",
                "Az üzlet munkatársai nagyon segítőkészek voltak.",
            ),
            "onboarding": (
                "A fiókom aktiválása napokig tartott.",
                "A beállítás simán ment, miután megtaláltam a megfelelő útmutatót.",
                "Öt perc alatt mindent beállítottam.",
            ),
            "app": (
                "Az alkalmazás folyton kiléptet.",
                "Az alkalmazás működik, de lassú.",
                "Az alkalmazás gyors és könnyen kezelhető.",
            ),
            "billing": (
                "Már megint hibás volt a számlám.",
                "A számla pontos, de nehéz kiigazodni rajta.",
                "A számla átlátható és könnyen érthető.",
            ),
            "waiting": (
                "45 percet vártam a vonalban.",
                "Sokat kellett várni, de az ügyintéző megoldotta a problémát.",
                "Egy percen belül felvették a telefont.",
            ),
            "staff": (
                "Az ügyintéző udvariatlan volt.",
                "A munkatársak kedvesek voltak, de nem tudtak segíteni.",
                "Az ügyintéző türelmes és felkészült volt.",
            ),
            "chat": (
                "A chatbot csak ugyanazt ismételgette.",
                "A chat segített, de lassan jöttek a válaszok.",
                "A chatben azonnal választ kaptam.",
            ),
            "technician": (
                "A szerelő nem jött el.",
                "A szerelő megjavította a hibát, de három órát késett.",
                "A szerelő pontosan érkezett, és gyorsan megjavította a hibát.",
            ),
            "price": (
                "Megint szó nélkül emelték az árat.",
                "Az ár korrekt, de az áremelés meglepett.",
                "A hosszabbítási ajánlat korrekt volt.",
            ),
            "overall": (
                "Jelenleg senkinek sem ajánlanám Önöket.",
                "Rendes szolgáltatás, de semmi különös.",
                "Évek óta ügyfelük vagyok, és még soha nem volt gondom.",
            ),
            "workplace": (
                "Hétvégente mindig kevesen vagyunk.",
                "Jó a csapat, de a célok irreálisak.",
                "A vezetőm nagyon támogat minket.",
            ),
        },
    },
    "es": {
        "opening": {
            "negative": ("Muy decepcionado.", "Sinceramente, una mala experiencia.", "Nada contento.", ""),
            "mixed": ("Estuvo bien.", "Sentimientos encontrados.", "Ni bien ni mal.", ""),
            "positive": ("¡Una experiencia genial!", "Muy satisfecho.", "Servicio excelente.", ""),
        },
        "detail": {
            "negative": (
                "Es la tercera vez que me pasa.",
                "Nadie me devolvió la llamada como prometieron.",
                "Estoy pensando seriamente en cambiarme de compañía.",
                "",
            ),
            "mixed": ("Al final se resolvió.", "Tardó un poco más de lo esperado.", ""),
            "positive": ("Todo se resolvió en pocos minutos.", "Los recomiendo sin dudarlo.", ""),
        },
        "closing": {
            "negative": ("Por favor, arréglenlo.", "Esto no es aceptable.", ""),
            "mixed": ("Espero que mejore.", ""),
            "positive": ("¡Muchas gracias!", "¡Sigan así!", ""),
        },
        "subject": {
            "website": (
                "El buscador de la web nunca encuentra nada.",
                "La información está en la web, pero cuesta encontrarla.",
                "Encontré en la web justo lo que buscaba.",
            ),
            "sales": (
                "El comercial no entendió nuestras necesidades.",
                "El gestor de cuenta fue útil, pero tardaba en responder.",
                "Nuestro gestor de cuenta entiende de verdad nuestro negocio.",
            ),
            "checkout": (
                ("El pago falló en el último paso.", "Me cobraron dos veces en la tarjeta."),
                "Pude comprar, pero el proceso tenía demasiados pasos.",
                "El nuevo proceso de pago es mucho más ágil.",
            ),
            "store": (
                "En la tienda faltaba personal y la cola era enorme.",
                "La tienda estaba llena, pero conseguí lo que necesitaba.",
                "El equipo de la tienda fue muy atento.",
            ),
            "onboarding": (
                "La activación de mi cuenta tardó varios días.",
                "La configuración fue bien cuando encontré las instrucciones correctas.",
                "Todo quedó configurado en cinco minutos.",
            ),
            "app": (
                "La app me cierra la sesión constantemente.",
                "La app funciona, pero es lenta.",
                "La app es rápida y muy fácil de usar.",
            ),
            "billing": (
                "Mi factura volvió a estar mal.",
                "La factura es correcta, pero cuesta entenderla.",
                "La factura es clara y fácil de entender.",
            ),
            "waiting": (
                "Estuve 45 minutos en espera.",
                "La espera fue larga, pero el agente lo solucionó.",
                "Me atendieron en menos de un minuto.",
            ),
            "staff": (
                "El agente fue muy maleducado.",
                "El personal fue amable, pero no pudo ayudarme.",
                "El agente fue paciente y sabía exactamente qué hacer.",
            ),
            "chat": (
                "El chatbot daba vueltas sin entender mi pregunta.",
                "El chat me ayudó, pero las respuestas eran lentas.",
                "El chat resolvió mi duda al instante.",
            ),
            "technician": (
                "El técnico no se presentó.",
                "El técnico arregló la avería, pero llegó tres horas tarde.",
                "El técnico llegó puntual y lo arregló rápido.",
            ),
            "price": (
                "El precio volvió a subir sin avisar.",
                "El precio es razonable, pero la subida me sorprendió.",
                "La oferta de renovación fue justa.",
            ),
            "overall": (
                "Ahora mismo no los recomendaría a nadie.",
                "Un servicio correcto, sin más.",
                "Soy cliente desde hace años y nunca he tenido problemas.",
            ),
            "workplace": (
                "Todos los fines de semana nos falta personal.",
                "Buen equipo, pero los objetivos no son realistas.",
                "Mi responsable nos apoya muchísimo.",
            ),
        },
    },
    # Persian: "_" stands for the zero-width non-joiner (U+200C) that Persian spelling needs inside words
    # such as می‌کند; it is replaced when the fragment table is built.
    "fa": {
        "opening": {
            "negative": ("واقعاً ناامید شدم.", "خیلی بد بود.", "اصلاً راضی نیستم.", ""),
            "mixed": ("بد نبود.", "نه خوب بود نه بد.", "معمولی بود.", ""),
            "positive": ("فوق_العاده بود!", "خیلی راضی هستم.", "خدمات عالی بود.", ""),
        },
        "detail": {
            "negative": (
                "این سومین بار است که این اتفاق می_افتد.",
                "قول دادند تماس بگیرند ولی کسی تماس نگرفت.",
                "جدی به فکر عوض کردن شرکت هستم.",
                "",
            ),
            "mixed": ("بالاخره مشکل حل شد.", "کمی بیشتر از انتظارم طول کشید.", ""),
            "positive": ("همه_چیز در چند دقیقه حل شد.", "حتماً به دوستانم پیشنهاد می_کنم.", ""),
        },
        "closing": {
            "negative": ("لطفاً این مشکل را حل کنید.", "این قابل قبول نیست.", ""),
            "mixed": ("امیدوارم بهتر شود.", ""),
            "positive": ("خیلی ممنون!", "خسته نباشید!", ""),
        },
        "subject": {
            "website": (
                "جستجوی سایت هیچ_وقت چیزی پیدا نمی_کند.",
                "اطلاعات در سایت هست، ولی پیدا کردنش سخت است.",
                "چیزی را که می_خواستم فوراً در سایت پیدا کردم.",
            ),
            "sales": (
                "کارشناس فروش نیازهای ما را متوجه نشد.",
                "مدیر حساب ما کمک کرد، ولی دیر جواب می_داد.",
                "مدیر حساب ما واقعاً کسب_وکار ما را می_شناسد.",
            ),
            "checkout": (
                ("موقع پرداخت سایت از کار افتاد.", "از کارتم دو بار پول کم شد."),
                "خرید انجام شد، ولی مراحلش خیلی زیاد بود.",
                "روند جدید پرداخت خیلی روان_تر است.",
            ),
            "store": (
                "فروشگاه نیروی کافی نداشت و صف خیلی طولانی بود.",
                "فروشگاه شلوغ بود، ولی چیزی را که لازم داشتم گرفتم.",
                "کارکنان فروشگاه خیلی کمک کردند.",
            ),
            "onboarding": (
                "فعال شدن حسابم چند روز طول کشید.",
                "وقتی راهنمای درست را پیدا کردم، راه_اندازی راحت بود.",
                "همه_چیز در پنج دقیقه راه_اندازی شد.",
            ),
            "app": (
                "اپلیکیشن مدام مرا از حسابم بیرون می_اندازد.",
                "اپلیکیشن کار می_کند، ولی کند است.",
                "اپلیکیشن سریع است و کار با آن آسان است.",
            ),
            "billing": (
                "صورت_حسابم باز هم اشتباه بود.",
                "صورت_حساب درست است، ولی خواندنش سخت است.",
                "صورت_حساب واضح و قابل فهم است.",
            ),
            "waiting": (
                "۴۵ دقیقه پشت خط منتظر ماندم.",
                "انتظار طولانی بود، ولی کارشناس مشکل را حل کرد.",
                "در کمتر از یک دقیقه جواب دادند.",
            ),
            "staff": (
                "کارشناس خیلی بی_ادب بود.",
                "کارکنان مهربان بودند، ولی نتوانستند کمکم کنند.",
                "کارشناس صبور بود و دقیقاً می_دانست چه کار کند.",
            ),
            "chat": (
                "ربات گفتگو فقط همان جواب_ها را تکرار می_کرد.",
                "چت کمکم کرد، ولی جواب_ها دیر می_رسید.",
                "در چت فوراً جوابم را گرفتم.",
            ),
            "technician": (
                "تکنسین اصلاً نیامد.",
                "تکنسین خرابی را درست کرد، ولی سه ساعت دیر آمد.",
                "تکنسین سر وقت آمد و خیلی سریع مشکل را حل کرد.",
            ),
            "price": (
                "باز هم بدون اطلاع قبلی قیمت را بالا بردند.",
                "قیمت منصفانه است، ولی افزایش قیمت غافلگیرم کرد.",
                "پیشنهاد تمدید قرارداد منصفانه بود.",
            ),
            "overall": (
                "فعلاً شما را به هیچ_کس پیشنهاد نمی_کنم.",
                "خدمات قابل قبولی است، ولی چیز خاصی نیست.",
                "سال_هاست مشتری شما هستم و هیچ_وقت مشکلی نداشته_ام.",
            ),
            "workplace": (
                "آخر هفته_ها همیشه نیرو کم داریم.",
                "تیم خوبی داریم، ولی اهداف واقع_بینانه نیستند.",
                "مدیرم واقعاً از ما حمایت می_کند.",
            ),
        },
    },
}

ZWNJ = "\u200c"


def _variants(entry: str | tuple[str, ...]) -> tuple[str, ...]:
    return (entry,) if isinstance(entry, str) else entry


def _spelled(language: str, text: str) -> str:
    return text.replace("_", ZWNJ) if language == "fa" else text


def subject_sentences(language: str, sentiment: str) -> list[str]:
    """Every subject sentence of one language and sentiment (for tests: each comment contains one)."""
    column = SENTIMENTS.index(sentiment)
    return [
        _spelled(language, text)
        for topic in TOPICS
        for text in _variants(CORPUS[language]["subject"][topic][column])
    ]


class _FragmentTable:
    """All fragments in one Arrow array, with (offset, count) per key so a slot is one `take`."""

    def __init__(self) -> None:
        texts = [""]  # index 0: the empty slot
        shape = (len(LANGUAGES), len(SENTIMENTS))
        self.offset = {slot: np.zeros(shape, np.int64) for slot in ("opening", "detail", "closing")}
        self.count = {slot: np.zeros(shape, np.int64) for slot in ("opening", "detail", "closing")}
        self.subject_offset = np.zeros((len(LANGUAGES), len(TOPICS), len(SENTIMENTS)), np.int64)
        self.subject_count = np.zeros_like(self.subject_offset)
        for li, language in enumerate(LANGUAGES):
            corpus = CORPUS[language]
            for si, sentiment in enumerate(SENTIMENTS):
                for slot in ("opening", "detail", "closing"):
                    options = corpus[slot][sentiment]
                    self.offset[slot][li, si] = len(texts)
                    self.count[slot][li, si] = len(options)
                    texts += [_spelled(language, t) + " " if t else "" for t in options]
                for ti, topic in enumerate(TOPICS):
                    options = _variants(corpus["subject"][topic][si])
                    self.subject_offset[li, ti, si] = len(texts)
                    self.subject_count[li, ti, si] = len(options)
                    texts += [_spelled(language, t) + " " for t in options]
        self.texts = pa.array(texts, pa.string())

    def pick(self, rng, offset: np.ndarray, count: np.ndarray) -> pa.Array:
        index = offset + (rng.random(len(offset)) * count).astype(np.int64)
        return self.texts.take(pa.array(index))


_TABLE = _FragmentTable()


def compose(rng: np.random.Generator, sentiment: np.ndarray, topic: np.ndarray) -> pa.Array:
    """One comment per element: `sentiment` indexes SENTIMENTS, `topic` indexes TOPICS."""
    language = rng.choice(len(LANGUAGES), size=len(sentiment), p=LANGUAGE_SHARE)
    table = _TABLE
    opening = table.pick(
        rng, table.offset["opening"][language, sentiment], table.count["opening"][language, sentiment]
    )
    subject = table.pick(
        rng,
        table.subject_offset[language, topic, sentiment],
        table.subject_count[language, topic, sentiment],
    )
    employee = np.isin(topic, [TOPICS.index(t) for t in EMPLOYEE_TOPICS])
    extras = []
    for slot in ("detail", "closing"):
        offset = np.where(employee, 0, table.offset[slot][language, sentiment])
        count = np.where(employee, 1, table.count[slot][language, sentiment])
        extras.append(table.pick(rng, offset, count))
    joined = pc.binary_join_element_wise(opening, subject, *extras, "")
    return pc.utf8_rtrim_whitespace(joined)
