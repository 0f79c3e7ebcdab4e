package crm

// Tables the demo generator draws from. Everything here is invented; phone
// numbers come from the 555-0100..0199 block reserved for fiction and email
// addresses use the example.* domains.

// demoPlace is a town or Chicago neighbourhood the demo tenant serves.
type demoPlace struct {
	city, state, zip string
	lat, lon         float64
	areaCodes        []string // local area codes, most common first
	chicago          bool     // city streets (N/S/E/W grid names) rather than suburban ones
	weight           int      // how many customers it gets, relatively
}

// Area codes by region. Area code 312 is never used by the generator (see
// DemoPhoneAreaCodes), so tests may create 312-555-01xx numbers freely.
var (
	acChicago   = []string{"773", "872"}
	acNorth     = []string{"847", "224"}
	acWest      = []string{"630", "331"}
	acSouthWest = []string{"708"}
	acFar       = []string{"815", "779"}
	acIndiana   = []string{"219"}
)

var demoPlaces = []demoPlace{
	{"Chicago", "IL", "60614", 41.9227, -87.6533, acChicago, true, 6},
	{"Chicago", "IL", "60657", 41.9399, -87.6528, acChicago, true, 6},
	{"Chicago", "IL", "60613", 41.9543, -87.6575, acChicago, true, 4},
	{"Chicago", "IL", "60618", 41.9464, -87.7042, acChicago, true, 5},
	{"Chicago", "IL", "60625", 41.9703, -87.7042, acChicago, true, 4},
	{"Chicago", "IL", "60640", 41.9719, -87.6624, acChicago, true, 3},
	{"Chicago", "IL", "60622", 41.9019, -87.6779, acChicago, true, 4},
	{"Chicago", "IL", "60647", 41.9210, -87.7017, acChicago, true, 5},
	{"Chicago", "IL", "60610", 41.9035, -87.6345, acChicago, true, 2},
	{"Chicago", "IL", "60611", 41.8925, -87.6203, acChicago, true, 2},
	{"Chicago", "IL", "60605", 41.8676, -87.6270, acChicago, true, 2},
	{"Chicago", "IL", "60607", 41.8721, -87.6578, acChicago, true, 2},
	{"Chicago", "IL", "60608", 41.8469, -87.6708, acChicago, true, 3},
	{"Chicago", "IL", "60609", 41.8093, -87.6531, acChicago, true, 2},
	{"Chicago", "IL", "60615", 41.8022, -87.6006, acChicago, true, 2},
	{"Chicago", "IL", "60619", 41.7458, -87.6054, acChicago, true, 3},
	{"Chicago", "IL", "60620", 41.7413, -87.6542, acChicago, true, 2},
	{"Chicago", "IL", "60626", 42.0094, -87.6689, acChicago, true, 2},
	{"Chicago", "IL", "60630", 41.9720, -87.7560, acChicago, true, 4},
	{"Chicago", "IL", "60631", 41.9951, -87.8135, acChicago, true, 3},
	{"Chicago", "IL", "60634", 41.9461, -87.8062, acChicago, true, 3},
	{"Chicago", "IL", "60638", 41.7810, -87.7705, acChicago, true, 2},
	{"Chicago", "IL", "60641", 41.9453, -87.7470, acChicago, true, 3},
	{"Chicago", "IL", "60643", 41.6996, -87.6627, acChicago, true, 3},
	{"Chicago", "IL", "60646", 41.9930, -87.7595, acChicago, true, 2},
	{"Chicago", "IL", "60652", 41.7454, -87.7138, acChicago, true, 2},
	{"Chicago", "IL", "60655", 41.6946, -87.7037, acChicago, true, 2},
	{"Chicago", "IL", "60656", 41.9745, -87.8273, acChicago, true, 2},
	{"Chicago", "IL", "60659", 41.9971, -87.7048, acChicago, true, 2},
	{"Chicago", "IL", "60660", 41.9910, -87.6629, acChicago, true, 2},
	{"Evanston", "IL", "60201", 42.0451, -87.6877, acNorth, false, 4},
	{"Evanston", "IL", "60202", 42.0305, -87.6846, acNorth, false, 2},
	{"Skokie", "IL", "60076", 42.0324, -87.7416, acNorth, false, 3},
	{"Wilmette", "IL", "60091", 42.0723, -87.7228, acNorth, false, 2},
	{"Glenview", "IL", "60025", 42.0698, -87.7878, acNorth, false, 2},
	{"Northbrook", "IL", "60062", 42.1275, -87.8290, acNorth, false, 2},
	{"Highland Park", "IL", "60035", 42.1817, -87.8003, acNorth, false, 1},
	{"Des Plaines", "IL", "60016", 42.0334, -87.8834, acNorth, false, 3},
	{"Park Ridge", "IL", "60068", 42.0111, -87.8406, acNorth, false, 2},
	{"Niles", "IL", "60714", 42.0289, -87.8123, acNorth, false, 2},
	{"Arlington Heights", "IL", "60004", 42.0884, -87.9806, acNorth, false, 3},
	{"Mount Prospect", "IL", "60056", 42.0664, -87.9373, acNorth, false, 2},
	{"Palatine", "IL", "60067", 42.1103, -88.0342, acNorth, false, 2},
	{"Schaumburg", "IL", "60193", 42.0334, -88.0834, acNorth, false, 3},
	{"Buffalo Grove", "IL", "60089", 42.1514, -87.9598, acNorth, false, 1},
	{"Elgin", "IL", "60120", 42.0354, -88.2826, acNorth, false, 2},
	{"Oak Park", "IL", "60302", 41.8850, -87.7845, acSouthWest, false, 4},
	{"Berwyn", "IL", "60402", 41.8506, -87.7937, acSouthWest, false, 3},
	{"Cicero", "IL", "60804", 41.8456, -87.7539, acSouthWest, false, 2},
	{"Oak Lawn", "IL", "60453", 41.7109, -87.7581, acSouthWest, false, 3},
	{"Evergreen Park", "IL", "60805", 41.7206, -87.7017, acSouthWest, false, 1},
	{"Orland Park", "IL", "60462", 41.6303, -87.8539, acSouthWest, false, 3},
	{"Tinley Park", "IL", "60477", 41.5734, -87.7845, acSouthWest, false, 2},
	{"La Grange", "IL", "60525", 41.8050, -87.8692, acSouthWest, false, 2},
	{"Elmhurst", "IL", "60126", 41.8995, -87.9403, acWest, false, 3},
	{"Lombard", "IL", "60148", 41.8800, -88.0078, acWest, false, 2},
	{"Wheaton", "IL", "60187", 41.8661, -88.1070, acWest, false, 2},
	{"Naperville", "IL", "60540", 41.7508, -88.1535, acWest, false, 4},
	{"Naperville", "IL", "60563", 41.7953, -88.1637, acWest, false, 2},
	{"Aurora", "IL", "60505", 41.7606, -88.3201, acWest, false, 2},
	{"Downers Grove", "IL", "60515", 41.8089, -88.0112, acWest, false, 3},
	{"Hinsdale", "IL", "60521", 41.8009, -87.9370, acWest, false, 1},
	{"Bolingbrook", "IL", "60440", 41.6986, -88.0684, acWest, false, 2},
	{"Joliet", "IL", "60435", 41.5250, -88.0817, acFar, false, 2},
	{"Plainfield", "IL", "60544", 41.6270, -88.2040, acFar, false, 1},
	{"Hammond", "IN", "46320", 41.5834, -87.5000, acIndiana, false, 1},
	{"Munster", "IN", "46321", 41.5645, -87.5125, acIndiana, false, 1},
}

// DemoPhoneAreaCodes are the area codes of demo phone numbers, which are
// all NPA-555-01xx. 312 is deliberately missing.
var DemoPhoneAreaCodes = []string{"773", "872", "847", "224", "630", "331", "708", "815", "779", "219"}

// Chicago's grid streets, with their direction prefix: the north side's
// (north of Madison St) and the south side's.
var (
	demoNorthStreets = []string{
		"N Clark St", "N Halsted St", "W Belmont Ave", "W Fullerton Ave", "N Lincoln Ave", "W Addison St",
		"N Damen Ave", "W Irving Park Rd", "N Western Ave", "N Ashland Ave", "W Diversey Pkwy", "N Sheffield Ave",
		"N Southport Ave", "W Armitage Ave", "N Milwaukee Ave", "W Lawrence Ave", "N Kedzie Ave", "W Montrose Ave",
		"N Pulaski Rd", "W Foster Ave", "N Broadway", "W Roscoe St", "N Wolcott Ave", "W Cortland St",
		"N Harlem Ave", "N Austin Ave", "N Central Ave", "W Devon Ave", "N Sheridan Rd", "W Touhy Ave",
		"N Oriole Ave", "W Higgins Ave", "N Kimball Ave", "W Wilson Ave", "N Leavitt St", "W Schubert Ave",
	}
	demoSouthStreets = []string{
		"S Halsted St", "S Morgan St", "W 18th St", "S Archer Ave", "W 35th St", "S Kedzie Ave", "S Western Ave",
		"W 63rd St", "S Cottage Grove Ave", "E 55th St", "S Dorchester Ave", "W 95th St", "S Longwood Dr",
		"W 111th St", "S Pulaski Rd", "W 79th St", "S Racine Ave", "S Ashland Ave", "S Wolcott Ave",
		"S Laflin St", "S Loomis St", "E 71st St", "S Kenwood Ave", "S Damen Ave", "W 103rd St", "S Central Park Ave",
	}
)

// Suburban streets.
var demoSuburbStreets = []string{
	"Maple Ave", "Oak St", "Elm St", "Chicago Ave", "Main St", "Central Ave", "Washington St", "Lake St",
	"Prospect Ave", "Hawthorne Ln", "Briarwood Dr", "Country Club Dr", "Woodland Rd", "Cedar Ln", "Park Ave",
	"Forest Ave", "Linden Ave", "Walnut St", "Hickory Ln", "Sunset Ridge Rd", "Willow Rd", "Lincoln Ave",
	"Jefferson St", "Madison St", "Church St", "Spring Rd", "Meadow Ln", "Cherry Ln", "Birch St", "Kensington Ct",
	"Summit Ave", "Highland Ave", "Ridge Rd", "Mill St", "Fairview Ave", "Harrison St", "Chestnut St",
	"Sycamore Dr", "Aspen Ct", "Juniper Ln", "Orchard Rd",
}

// First and last names. None contains "stone": the customer tests filter
// names by that substring and expect only their own records.
var demoFirstNames = []string{
	"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
	"William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Christopher", "Karen",
	"Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty", "Mark", "Sandra", "Donald", "Margaret",
	"Steven", "Ashley", "Andrew", "Kimberly", "Paul", "Emily", "Joshua", "Donna", "Kenneth", "Michelle",
	"Kevin", "Carol", "Brian", "Amanda", "Timothy", "Melissa", "Ronald", "Deborah", "Jason", "Stephanie",
	"Luis", "Rosa", "Carlos", "Guadalupe", "Jose", "Ana", "Miguel", "Veronica", "Tomasz", "Agnieszka",
	"Piotr", "Katarzyna", "Darnell", "Keisha", "Andre", "Tamika", "Marcus", "Latoya", "Wei", "Mei",
	"Hiroshi", "Yuki", "Sanjay", "Anjali", "Raj", "Deepa", "Kwame", "Ngozi", "Sean", "Bridget",
	"Declan", "Siobhan", "Dimitri", "Elena", "Omar", "Fatima", "Hassan", "Leila", "Ivan", "Olga",
}

var demoLastNames = []string{
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
	"Hernandez", "Lopez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee",
	"Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
	"Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker",
	"Kowalski", "Nowak", "Wisniewski", "Wojcik", "Kaminski", "Lewandowski", "Zielinski", "Szymanski",
	"O'Brien", "Murphy", "Kelly", "Sullivan", "McCarthy", "Gallagher", "Doyle", "Quinn", "Fitzgerald",
	"Ramirez", "Castillo", "Morales", "Vargas", "Mendoza", "Reyes", "Gutierrez", "Ortiz", "Delgado",
	"Washington", "Jefferson", "Freeman", "Coleman", "Holloway", "Patterson", "Bryant", "Mitchell",
	"Patel", "Shah", "Kumar", "Singh", "Chen", "Wang", "Liu", "Kim", "Park", "Tanaka", "Nakamura",
	"Papadopoulos", "Russo", "Romano", "Esposito", "Petrov", "Novak", "Horvat", "Jankowski", "Lindqvist",
	"Okafor", "Mensah", "Haddad", "Khoury", "Schultz", "Becker", "Hoffmann", "Vogel", "Larsen", "Dvorak",
}

// Commercial customers. Multi-site ones get "<name> - <city>" locations.
var demoBusinesses = []string{
	"Northside Dental Associates", "Kowalski Family Bakery", "Windy City Fitness", "Prairie State Apartments LLC",
	"Halsted Street Deli", "Midway Auto Body", "Riverfront Condominium Association", "St. Hedwig Parish",
	"Oak Park Montessori School", "Greenleaf Senior Living", "Maxwell Street Tacos", "Lincoln Square Veterinary Clinic",
	"Clark & Addison Sports Grill", "DuPage Medical Offices", "Fox Valley Self Storage", "Elmhurst Hardware",
	"Naperville Family Dentistry", "Lakeview Coffee Roasters", "Logan Square Laundromat", "Bridgeport Supply Co.",
	"Pilsen Community Center", "Hyde Park Bookshop", "Skokie Printing Co.", "Woodfield Office Park",
	"Joliet Brewing Company", "Tinley Park Banquets", "Des Plaines Animal Hospital", "Wheaton Bible Church",
	"Cicero Grocery Mart", "Evanston Yoga Collective", "Beverly Bike Shop", "Andersonville Flower Market",
}

// Values of the seeded custom fields.
var (
	demoContactTimes       = []string{"Morning", "Afternoon", "Evening"} // "Preferred contact time" options
	demoEquipmentLocations = []string{"Basement", "Attic", "Garage", "Utility closet", "Crawl space", "Rooftop", "Mechanical room"}
	demoUnits              = []string{"Apt 1", "Apt 2", "Apt 3", "Apt 2B", "Unit 3F", "#402", "Unit 12", "Apt 1R", "Suite 200", "#1S"}
	demoPhoneMemos         = []string{"cell", "work", "home", "wife's cell", "husband's cell", "after 5pm", "landlord"}
	demoEmailDomains       = []string{"example.com", "example.net", "example.org"}
)
