"""Word lists for grouping and claims: aliases, verb families, synonyms, stop and weak words.

Everything here is lower case and applied after `textclean`. Aliases turn the many spellings of
one organisation, person or product into one token ("Meta Platforms", "Facebook's parent" →
`meta`), so that two outlets naming the same actor differently still match. Verb families put
the verbs that assert the same kind of event together (poach/lure/hire → `hire`), which is what
lets "Meta poaches X" and "X joins Meta" count as one claim.

These are general lists for the beat this monitor follows (AI companies and people); they are
not fitted to any labelled example. Extend them in place; tests cover the behaviour, not the
exact contents.
"""

from __future__ import annotations

# People: first + last name (and nicknames) → last name. Also the people `claims` knows are
# people when a clause names them by last name only.
PERSON_ALIASES: dict[str, str] = {
    "mark zuckerberg": "zuckerberg",
    "zuck": "zuckerberg",
    "alexandr wang": "wang",
    "alexander wang": "wang",
    "nat friedman": "friedman",
    "daniel gross": "gross",
    "sam altman": "altman",
    "ilya sutskever": "sutskever",
    "yann lecun": "lecun",
    "mustafa suleyman": "suleyman",
    "elon musk": "musk",
    "satya nadella": "nadella",
    "sundar pichai": "pichai",
    "demis hassabis": "hassabis",
    "mira murati": "murati",
    "andrew bosworth": "bosworth",
    "chris cox": "cox",
    "shengjia zhao": "zhao",
    "ruoming pang": "pang",
    "andrew tulloch": "tulloch",
    "john giannandrea": "giannandrea",
    "tim cook": "cook",
    "jensen huang": "huang",
    "dario amodei": "amodei",
    "joelle pineau": "pineau",
}

# Multi-word names and spellings → one token. Applied longest first, on word boundaries, to
# lower-cased text with possessives already removed ("facebook's parent" → "facebook parent").
PHRASE_ALIASES: dict[str, str] = {
    # organisations
    "meta platforms inc": "meta",
    "meta platforms": "meta",
    "facebook parent company": "meta",
    "facebook parent": "meta",
    "facebook owner": "meta",
    "parent company of facebook": "meta",
    "facebook and instagram parent": "meta",
    "facebook and instagram owner": "meta",
    "instagram parent": "meta",
    "meta superintelligence labs": "msl",
    "meta superintelligence lab": "msl",
    "superintelligence labs": "msl",
    "superintelligence lab": "msl",
    "meta ai research": "fair",
    "facebook ai research": "fair",
    "fundamental ai research": "fair",
    "meta tbd lab": "tbdlab",
    "tbd lab": "tbdlab",
    "reality labs": "realitylabs",
    "safe superintelligence inc": "ssi",
    "safe superintelligence": "ssi",
    "thinking machines lab": "thinkingmachines",
    "thinking machines": "thinkingmachines",
    "scale ai": "scaleai",
    "scale ceo": "scaleai ceo",
    "google deepmind": "deepmind",
    "deep mind": "deepmind",
    "open ai": "openai",
    "x ai": "xai",
    "microsoft ai": "microsoft",
    "amazon web services": "aws",
    "hugging face": "huggingface",
    "mistral ai": "mistral",
    "alphabet inc": "google",
    "alphabet": "google",
    # verbs and nouns written as two words
    "lay off": "cut",
    "laying off": "cut",
    "lays off": "cut",
    "laid off": "cut",
    "job cuts": "cut staff",
    "step down": "stepdown",
    "steps down": "stepdown",
    "stepping down": "stepdown",
    "stepped down": "stepdown",
    "push back": "delay",
    "pushes back": "delay",
    "pushed back": "delay",
    "slip to": "delay",
    "slips to": "delay",
    "slipped to": "delay",
    "slipping to": "delay",
    "hold off": "delay",
    "holds off": "delay",
    "roll out": "release",
    "rolls out": "release",
    "rolled out": "release",
    "open source": "opensource",
    "open sources": "opensource",
    "open sourced": "opensource",
    "open weights": "opensource",
    "open weight": "opensource",
    "step aside": "stepdown",
    "steps aside": "stepdown",
    "stepped aside": "stepdown",
    "stepping aside": "stepdown",
    "bow out": "stepdown",
    "bows out": "stepdown",
    "bowed out": "stepdown",
    "is out at": "stepdown at",
    "was out at": "stepdown at",
    "are out at": "stepdown at",
    "jump ship": "hire",
    "jumps ship": "hire",
    "jumped ship": "hire",
    "jumping ship": "hire",
    "take over": "appoint",
    "takes over": "appoint",
    "took over": "appoint",
    "taking over": "appoint",
    "to head": "to appoint",
    "will head": "will appoint",
    "take the helm": "appoint",
    "takes the helm": "appoint",
    "took the helm": "appoint",
    "head up": "appoint",
    "co founder": "cofounder",
    "chief executive officer": "ceo",
    "chief executive": "ceo",
    "chief scientist": "chiefscientist",
    "pay package": "offer",
    "pay packages": "offer",
    "signing bonus": "bonus",
    "signing bonuses": "bonus",
    "data center": "datacenter",
    "data centers": "datacenter",
    "data centre": "datacenter",
    "data centres": "datacenter",
    "two dozen": "24",
    "a dozen": "12",
}
PHRASE_ALIASES.update(PERSON_ALIASES)
PHRASE_ALIASES.update(
    # "becomes chief …", "became interim CEO": an appointment.
    {
        f"{verb} {role}": f"appoint {role}"
        for verb in ("become", "becomes", "became", "becoming")
        for role in (
            "ceo cto cfo coo chief head president chair chairman chairwoman interim acting vice "
            "director leader"
        ).split()
    }
)

# Model families: "Llama 4", "llama-3.1", "GPT 4o" → one token `llama4`, `llama3.1`, `gpt4o`,
# and the family name is kept as its own token too.
MODEL_FAMILIES: frozenset[str] = frozenset(
    "llama gpt claude gemini gemma grok mistral mixtral qwen deepseek phi o1 o3 o4 sora "
    "veo dall-e codestral nemotron".split()
)

# Inflected verb (and event noun) → family. The family is the token used for matching.
_FAMILIES: dict[str, str] = {
    "hire": "hire hires hired hiring hire recruit recruits recruited recruiting recruitment "
    "poach poaches poached poaching lure lures lured luring join joins joined joining "
    "rejoin rejoins rejoined rehire rehires rehired rehiring return returns returned returning "
    "nab nabs nabbed snag snags snagged woo woos wooed wooing defect defects defected "
    "defecting recruiter headhunt headhunts headhunted raid raids "
    "raided acquihire acquihires bring brings brought bringing leave leaves leaving left exit exits exited exiting depart "
    "departs departed departing departure departures quit quits quitting",
    "stepdown": "stepdown resign resigns resigned resigning resignation retire retires "
    "retired retiring ousted oust ousts replaced demote demotes demoted demoting",
    "invest": "invest invests invested investing investment investments stake stakes "
    "backs backed backing funding funds funded",
    "acquire": "acquire acquires acquired acquiring acquisition acquisitions buy buys bought "
    "buying purchase purchases purchased takeover takeovers merge merges merged merger "
    "sell sells selling sold sale",
    "appoint": "appoint appoints appointed appointing appointment name names named naming "
    "promote promotes promoted promoting tap taps tapped lead leads led helm "
    "heads headed succeed succeeds succeeded succeeding successor elevate elevates elevated "
    "elevating reassign reassigns reassigned reassigning",
    "release": "release releases released releasing launch launches launched launching "
    "unveil unveils unveiled unveiling debut debuts debuted ship ships shipped introduce "
    "introduces introduced introducing rollout opensource publish publishes published",
    "delay": "delay delays delayed delaying postpone postpones postponed postponing "
    "shelve shelves shelved pause pauses paused pausing setback setbacks",
    "cut": "cut cuts cutting slash slashes slashed slashing layoff layoffs fire fires "
    "fired firing eliminate eliminates eliminated eliminating axe axes axed axing trim trims "
    "trimmed trimming downsize downsizes downsized downsizing",
    "offer": "offer offers offered offering pay pays paid paying bonus bonuses compensation",
    "sue": "sue sues sued suing lawsuit lawsuits",
    "rule": "rule rules ruled ruling rulings dismiss dismisses dismissed",
    "announce": "announce announces announced announcing announcement reveal reveals "
    "revealed revealing confirm confirms confirmed",
    "create": "create creates created creating creation form forms formed forming establish "
    "establishes established restructure restructures restructured restructuring "
    "reorganize reorganizes reorganized reorganization split splits",
    "spend": "spend spends spending spent capex",
    "lose": "lose loses lost losing loss losses",
    "earn": "earn earns earned revenue revenues profit profits",
    "value": "value valued valuation valuing",
    "raise": "raise raises raised raising",
    "ban": "ban bans banned banning block blocks blocked blocking",
    "approve": "approve approves approved approving approval",
    "plan": "plan plans planned planning consider considers considered considering mull "
    "mulls mulled weigh weighs weighed explore explores explored",
    "freeze": "freeze freezes froze frozen freezing",
}
VERB_FAMILY: dict[str, str] = {
    form: family for family, forms in _FAMILIES.items() for form in forms.split()
}

# Families whose events are about people moving (used to pair "X leaves A" with "B hires X").
PEOPLE_FAMILIES = frozenset({"hire", "stepdown", "appoint"})

# Units and their parent (as matching terms): a move to MSL is a move to Meta.
ORG_PARENTS: dict[str, str] = {
    "msl": "meta", "fair": "meta", "tbdlab": "meta", "realitylabs": "meta", "instagram": "meta",
    "whatsapp": "meta", "facebook": "meta", "deepmind": "google", "aws": "amazon",
}  # fmt: skip

# Single-word organisations and products: a capitalised word that is one of these is not part
# of a person's name ("Apple's Jane Roe" names Jane Roe).
ORGANISATIONS: frozenset[str] = frozenset(
    """
    meta facebook instagram whatsapp threads messenger oculus apple google microsoft amazon
    nvidia openai anthropic xai deepmind tesla ibm intel amd oracle samsung huawei baidu alibaba
    tencent bytedance tiktok deepseek mistral cohere perplexity scaleai ssi msl fair tbdlab
    realitylabs thinkingmachines huggingface aws windsurf cognition yandex netflix uber
    salesforce adobe qualcomm arm softbank coreweave databricks snowflake github linkedin
    twitter behemoth maverick scout chatgpt copilot siri alexa bard lmarena
    """.split()
)

# The last word of an organisation's name: a run of capitalised words ending in one of these
# names an organisation, never a person ("Corvane Frontier Lab" is no Mr Frontier).
ORGANISATION_ENDINGS: frozenset[str] = frozenset(
    """
    superintelligence intelligence labs lab research platforms group capital ventures partners
    university institute foundation center centre inc corp ltd llc
    robotics bank banks data compute computing technologies technology tech holdings studios
    networks semiconductor semiconductors motors energy health media games therapeutics
    pharma pharmaceuticals airlines dynamics analytics biosciences industries automation
    electronics aerospace telecom solutions logistics markets fund funds trust insurance
    systems devices services journal times post news daily weekly tribune herald wire press
    """.split()
)

# Capitalised words that are not personal names: roles, titles, places, outlets, calendar
# words, and the organisation endings above. A run of capitalised words is a person's name
# only without these at its end.
NOT_NAME_WORDS: frozenset[str] = ORGANISATION_ENDINGS | frozenset(
    """
    former ex new interim acting senior junior top veteran longtime founder cofounder
    president vice chair chairman chairwoman officer chief head scientist researcher engineer
    executive director manager lead principal distinguished fellow professor partner investor
    analyst spokesperson spokesman spokeswoman board member ceo cto cfo coo vp svp evp
    learning machine strategy engineering product products operations policy safety
    infrastructure hardware software science sciences applied generative systems devices
    services cloud business marketing sales design communications affairs global public
    street wall journal times post news daily weekly tribune herald wire press information
    silicon valley san francisco york los angeles london paris beijing washington seattle
    menlo palo mountain cupertino redmond sunnyvale
    california texas louisiana europe china america american european chinese british
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    mr mrs ms dr prof sir lady lord
    """.split()
)

# Nouns with one meaning for matching purposes.
SYNONYMS: dict[str, str] = {
    "head": "chief",
    "boss": "chief",
    "leader": "chief",
    "executive": "chief",
    "exec": "chief",
    "director": "chief",
    "job": "staff",
    "jobs": "staff",
    "role": "staff",
    "roles": "staff",
    "position": "staff",
    "positions": "staff",
    "employee": "staff",
    "employees": "staff",
    "worker": "staff",
    "workers": "staff",
    "people": "staff",
    "unit": "division",
    "units": "division",
    "team": "division",
    "teams": "division",
    "department": "division",
    "arm": "division",
    "startup": "company",
    "firm": "company",
    "researcher": "researcher",
    "scientist": "researcher",
    "scientists": "researcher",
    "engineer": "researcher",
    "engineers": "researcher",
    "talent": "researcher",
    "cheap": "cheap",
    "cheaper": "cheap",
    "lowcost": "cheap",
    "biggest": "big",
    "largest": "big",
    "smartest": "smart",
}

# Nouns that name what a count counts (for "600 jobs", "24 engineers").
COUNT_NOUNS: frozenset[str] = frozenset(
    "jobs job roles role positions position employees employee workers worker staff staffers "
    "people engineers engineer researchers researcher scientists scientist users user "
    "customers members gpus gpu chips accelerators parameters tokens token downloads "
    "developers executives hires recruits countries languages".split()
)

# Words that carry no event meaning. Kept short: rare words are weighted by document frequency.
STOPWORDS: frozenset[str] = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    out over own same she should so some such than that the their theirs them themselves then
    there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself amid amidst via per vs
    says said say saying tells told according reportedly report reports reported sources source
    new news today week year month day update updates latest breaking exclusive just now here's
    what's how's it's that's could may might must shall get gets got getting make makes made
    making take takes took taking one two three first last next big more less many much
    read watch listen
    inc ltd corp co llc mr ms dr st us dollar dollars euros
    """.split()
)

# Common in this beat: matched with a small weight, so they neither start nor make a group.
WEAK_WORDS: frozenset[str] = frozenset(
    """
    ai artificial intelligence model models company companies tech technology industry
    chief ceo staff division researcher billion million percent deal plan plans market
    people world big smart time effort push race war battle talent boom frenzy strategy
    future bet move moves best top key bold massive huge major growing
    """.split()
)

# Sentences that are never claims.
BOILERPLATE_PATTERNS: tuple[str, ...] = (
    r"\bsign up\b",
    r"\bsubscribe\b",
    r"\bnewsletter\b",
    r"\bclick here\b",
    r"\bread more\b",
    r"\bcontinue reading\b",
    r"\ball rights reserved\b",
    r"\bappeared first on\b",
    r"\bcookies?\b",
    r"\bfollow us\b",
    r"\bshare this\b",
    r"\bcomments?\b",
    r"\badvertisement\b",
    r"\bsponsored\b",
    r"\bpodcast\b",
    r"\bwatch the video\b",
    r"\bphoto:",
    r"\bimage credit",
)
BOILERPLATE_WORDS = (
    "sign up", "subscribe", "newsletter", "click here", "read more", "continue reading",
    "all rights reserved", "appeared first on", "cookie", "follow us", "share this", "comment",
    "advertisement", "sponsored", "podcast", "watch the video", "photo:", "image credit",
)  # fmt: skip
"""Every boilerplate pattern's match contains one of these (lower case): the cheap test first."""

# Editorial notes: they tell of a figure the story no longer gives, they do not claim it. (Apart
# from the boilerplate: in one alternation with it they made every sentence's check 5x slower.)
EDITORIAL_PATTERNS: tuple[str, ...] = (
    r"^\W*(?:correction|clarification|editor'?s note)\s*[:.—–-]",
    r"\b(?:an|the) (?:earlier|previous|original) version of this (?:story|article|report|post)\b",
    r"\bthis (?:story|article|report|post) (?:has been|was|is) (?:corrected|updated)\b",
    # A correction note in the text: "(Corrected from $2 billion.)", "Updated to say …", "An
    # earlier version misstated …". Its old figure is not a claim of the story.
    r"^\W*(?:corrected|updated|amended|changed) (?:from|to (?:say|reflect|show|correct))\b",
    r"\b(?:an|the) (?:earlier|previous|original|initial) version\b",
    r"\b(?:misstated|misreported|incorrectly (?:said|stated|reported|gave))\b",
)
EDITORIAL_WORDS = (
    "correct",
    "clarif",
    "editor",
    "version",
    "updated",
    "misstat",
    "misreport",
    "amended",
    "changed",
)
"""Every editorial note contains one of these (lower case): the cheap test before the patterns."""

# Phrases that make a sentence an attributed statement (checkable: someone said it).
ATTRIBUTION_PATTERNS: tuple[str, ...] = (
    r"\baccording to\b",
    r"\b(?:said|says|told|confirmed|confirms|announced|announces|reported|reports)\b",
    r"\breportedly\b",
    r"\bsources? (?:familiar|close)\b",
)

# Openings of a headline or sentence that make it an explainer or opinion, not a claim.
NON_CLAIM_OPENINGS: tuple[str, ...] = (
    "why ",
    "how ",
    "what ",
    "who ",
    "opinion",
    "analysis",
    "explainer",
    "here's",
    "here is",
    "everything you need",
    "what you need",
    "the untold",
    "inside ",
    "should ",
    "is it ",
    "can ",
    "will ",
    "could ",
)

NUMBER_WORDS: dict[str, int] = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "fifty": 50,
    "hundred": 100,
    "dozen": 12,
}
