// Built-in word lists for handles, bios and posts: enough variety to be fun to watch.
const w = (s: string): readonly string[] => s.split(" ");
const p = (s: string): readonly string[] => s.split("|");

export const FIRST = w(
	"ana ben chloe dev emma finn gia hugo ivy jack kai lena milo nora omar pia quinn rosa sam tara uma vic wes xena yara zoe alex noor leo maya ravi sofia theo lucia amir ines kenji nadia oscar priya",
);
export const LAST = w(
	"smith garcia chen patel muller rossi silva kim nguyen okafor novak haddad jensen costa tanaka ivanova dubois walsh mendes kowalski",
);
export const ADJ = w(
	"quiet happy cosmic tiny brave lazy golden salty midnight electric wild cozy rusty velvet lucky sunny stormy silver urban",
);
export const NOUN = w(
	"panda coder fox rider otter baker falcon gardener pixel wanderer koala drummer comet maple harbor lantern tiger pilot",
);
export const TOPICS = w(
	"football music cooking photography gaming science books travel gardening fashion movies running",
);
export const TOPIC_WORDS: Record<string, readonly string[]> = {
	football: w("match goal derby keeper transfer league striker penalty"),
	music: w("album concert playlist chorus vinyl gig track festival"),
	cooking: w("recipe sourdough curry oven spices dinner brunch pasta"),
	photography: w("lens sunset portrait aperture film shot golden-hour tripod"),
	gaming: w("raid patch speedrun boss controller loot server quest"),
	science: w("paper telescope experiment data lab theory fossil orbit"),
	books: w("novel chapter library author sequel poetry bookshop plot"),
	travel: w("flight hostel train beach museum passport road-trip market"),
	gardening: w("tomatoes compost seedlings roses soil greenhouse harvest bees"),
	fashion: w("jacket thrift sneakers runway fabric outfit vintage tailoring"),
	movies: w("trailer director cinema sequel soundtrack premiere scene actor"),
	running: w("marathon pace trail intervals shoes parkrun splits hills"),
};
export const OPENER_LIST = p(
	"honestly|just|finally|can't believe|today I|anyone else|hot take:|reminder:|so|not gonna lie,|ok but",
);
export const VERBS = w("loved tried finished started found watched missed booked fixed shared");
export const FEELINGS = w("amazing underrated exhausting beautiful chaotic perfect wild unreal overrated lovely");
export const CLOSERS = ["", "", "!", " 🙂", " 🔥", " lol", " ...", " 🙌", " #weekend", " (thread)"];
export const REPLY_LIST = p(
	"agreed!|this is so true|haha same|wait really?|love this|congrats!!|hard disagree tbh|source?|thanks for sharing|ok this made my day",
);
export const INSULTS = w("clown loser fraud joke idiot parasite coward nobody hypocrite troll");
export const ABUSE = [
	"you are a pathetic {insult}, log off forever",
	"nobody wants you here, {insult}",
	"everyone can see what a {insult} you are",
	"delete your account you worthless {insult}",
	"imagine being this much of a {insult} lmao",
	"shut up {insult}, we all know the truth about you",
	"keep talking {insult}, we'll make sure everyone knows",
];
export const SPAM = [
	"🔥 FREE {prize} for the first 100 people! Claim now 👉 {url}",
	"I made $5,000 in one week from home with this trick {url} DM me",
	"Congratulations! You have been selected to win a {prize}. Verify here {url}",
	"💰 Crypto giveaway: send 0.1, get 1.0 back! Official event {url}",
	"Hot singles in your area want to meet you tonight {url}",
	"Get 10k followers in 24h, guaranteed, cheap {url}",
	"Limited offer: {prize} at 90% off, only today {url}",
];
export const PRIZES = w("iPhone giftcard PS5 laptop vacation airpods smartwatch");
export const SPAM_TAGS = w("giveaway free win crypto follow4follow deal money promo");
export const SPAM_DOMAINS = w(
	"bit.ly/3xq tinyurl.com/free win-prize.club cheap-follows.biz crypto-x2.io promo-deals.top",
);
export const CLAIMS = [
	"BREAKING: the city water supply has been secretly mixed with {chem}, officials stay silent",
	"Leaked memo proves the election machines flipped {n}% of votes overnight",
	"Doctors confirm that 5G towers cause {ill}, share before it gets deleted",
	"The blackout next week is planned: banks will freeze all accounts for {n} days",
	"Scientists admit the moon landing footage was filmed in {place}",
];
export const CLAIM_FILL: Record<string, readonly string[]> = {
	chem: w("fluoride-X lithium nanobots chemicals"),
	n: w("12 18 23 31 40"),
	ill: w("headaches insomnia memory-loss fatigue"),
	place: w("Nevada a-studio Arizona London"),
};
export const SYNONYMS: Record<string, readonly string[]> = {
	BREAKING: w("BREAKING URGENT ALERT BREAKING!!"),
	secretly: w("secretly quietly covertly"),
	proves: w("proves shows confirms"),
	confirm: w("confirm admit reveal"),
	share: w("share repost spread"),
	planned: w("planned staged scheduled"),
	admit: w("admit confess concede"),
};
export const CLAIM_TAGS = w("wakeup truth thenews exposed censored");
export const SIGNATURE_LIST = p("smh|💀💀|no cap|...just saying|🙄|fr fr|ratio");
export const EMAIL_DOMAINS = w("gmail.com outlook.com proton.me yahoo.com icloud.com fastmail.com");
export const COUNTRIES = w("US GB DE FR BR IN JP NG MX CA ES IT AU KR ID");
export const BIO_LIST = p(
	"coffee addict|dog parent|she/her|he/him|they/them|opinions my own|amateur chef|PhD student|dad|mum|night owl|runner|teacher|nurse|designer|engineer",
);
