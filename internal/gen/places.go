package gen

import (
	"fmt"

	"github.com/profil-cli/profil/internal/domain"
)

// place is a town with its postal codes and a weight, roughly how many organisations it has.
type place struct {
	name   string
	codes  []string
	weight int
	dept   string // filled from the first postal code
}

// places are mostly in Nouvelle-Aquitaine, with a few elsewhere so that filters and
// departments such as 2A, 2B and 971 meet real data.
var places = func() weighted[place] {
	list := []place{
		// Gironde (33)
		{name: "Bordeaux", codes: []string{"33000", "33100", "33200", "33300", "33800"}, weight: 120},
		{name: "Mérignac", codes: []string{"33700"}, weight: 30},
		{name: "Pessac", codes: []string{"33600"}, weight: 28},
		{name: "Talence", codes: []string{"33400"}, weight: 18},
		{name: "Bègles", codes: []string{"33130"}, weight: 12},
		{name: "Villenave-d'Ornon", codes: []string{"33140"}, weight: 10},
		{name: "Saint-Médard-en-Jalles", codes: []string{"33160"}, weight: 9},
		{name: "Libourne", codes: []string{"33500"}, weight: 10},
		{name: "Saint-Émilion", codes: []string{"33330"}, weight: 3},
		{name: "Arcachon", codes: []string{"33120"}, weight: 6},
		{name: "La Teste-de-Buch", codes: []string{"33260"}, weight: 7},
		{name: "Lormont", codes: []string{"33310"}, weight: 6},
		{name: "Cenon", codes: []string{"33150"}, weight: 6},
		{name: "Le Bouscat", codes: []string{"33110"}, weight: 6},
		{name: "Eysines", codes: []string{"33320"}, weight: 6},
		{name: "Gradignan", codes: []string{"33170"}, weight: 6},
		{name: "Blanquefort", codes: []string{"33290"}, weight: 4},
		{name: "Langon", codes: []string{"33210"}, weight: 4},
		{name: "Lesparre-Médoc", codes: []string{"33340"}, weight: 2},
		{name: "Blaye", codes: []string{"33390"}, weight: 2},
		{name: "Sainte-Foy-la-Grande", codes: []string{"33220"}, weight: 2},
		// Dordogne (24)
		{name: "Périgueux", codes: []string{"24000"}, weight: 12},
		{name: "Bergerac", codes: []string{"24100"}, weight: 10},
		{name: "Sarlat-la-Canéda", codes: []string{"24200"}, weight: 5},
		{name: "Boulazac Isle Manoire", codes: []string{"24750"}, weight: 3},
		{name: "Nontron", codes: []string{"24300"}, weight: 2},
		{name: "Ribérac", codes: []string{"24600"}, weight: 2},
		{name: "Terrasson-Lavilledieu", codes: []string{"24120"}, weight: 2},
		// Charente (16)
		{name: "Angoulême", codes: []string{"16000"}, weight: 5},
		{name: "Cognac", codes: []string{"16100"}, weight: 6},
		{name: "Soyaux", codes: []string{"16800"}, weight: 2},
		{name: "La Couronne", codes: []string{"16400"}, weight: 2},
		{name: "Ruffec", codes: []string{"16700"}, weight: 1},
		{name: "Confolens", codes: []string{"16500"}, weight: 1},
		{name: "Barbezieux-Saint-Hilaire", codes: []string{"16300"}, weight: 1},
		// Charente-Maritime (17)
		{name: "La Rochelle", codes: []string{"17000"}, weight: 16},
		{name: "Rochefort", codes: []string{"17300"}, weight: 6},
		{name: "Saintes", codes: []string{"17100"}, weight: 7},
		{name: "Royan", codes: []string{"17200"}, weight: 5},
		{name: "Jonzac", codes: []string{"17500"}, weight: 2},
		{name: "Saint-Jean-d'Angély", codes: []string{"17400"}, weight: 2},
		{name: "Saint-Pierre-d'Oléron", codes: []string{"17310"}, weight: 2},
		// Corrèze (19)
		{name: "Brive-la-Gaillarde", codes: []string{"19100"}, weight: 8},
		{name: "Tulle", codes: []string{"19000"}, weight: 4},
		{name: "Ussel", codes: []string{"19200"}, weight: 2},
		{name: "Égletons", codes: []string{"19300"}, weight: 1},
		// Creuse (23)
		{name: "Guéret", codes: []string{"23000"}, weight: 4},
		{name: "Aubusson", codes: []string{"23200"}, weight: 2},
		{name: "La Souterraine", codes: []string{"23300"}, weight: 1},
		// Landes (40)
		{name: "Mont-de-Marsan", codes: []string{"40000"}, weight: 8},
		{name: "Dax", codes: []string{"40100"}, weight: 7},
		{name: "Biscarrosse", codes: []string{"40600"}, weight: 3},
		{name: "Saint-Paul-lès-Dax", codes: []string{"40990"}, weight: 3},
		{name: "Aire-sur-l'Adour", codes: []string{"40800"}, weight: 1},
		// Lot-et-Garonne (47)
		{name: "Agen", codes: []string{"47000"}, weight: 9},
		{name: "Villeneuve-sur-Lot", codes: []string{"47300"}, weight: 5},
		{name: "Marmande", codes: []string{"47200"}, weight: 4},
		{name: "Nérac", codes: []string{"47600"}, weight: 1},
		{name: "Le Passage", codes: []string{"47520"}, weight: 2},
		// Pyrénées-Atlantiques (64)
		{name: "Pau", codes: []string{"64000"}, weight: 16},
		{name: "Bayonne", codes: []string{"64100"}, weight: 12},
		{name: "Biarritz", codes: []string{"64200"}, weight: 6},
		{name: "Anglet", codes: []string{"64600"}, weight: 7},
		{name: "Orthez", codes: []string{"64300"}, weight: 2},
		{name: "Oloron-Sainte-Marie", codes: []string{"64400"}, weight: 2},
		{name: "Saint-Jean-de-Luz", codes: []string{"64500"}, weight: 3},
		{name: "Hendaye", codes: []string{"64700"}, weight: 2},
		{name: "Lescar", codes: []string{"64230"}, weight: 2},
		// Deux-Sèvres (79)
		{name: "Niort", codes: []string{"79000"}, weight: 10},
		{name: "Bressuire", codes: []string{"79300"}, weight: 3},
		{name: "Parthenay", codes: []string{"79200"}, weight: 2},
		{name: "Thouars", codes: []string{"79100"}, weight: 2},
		{name: "Melle", codes: []string{"79500"}, weight: 1},
		// Vienne (86)
		{name: "Poitiers", codes: []string{"86000"}, weight: 18},
		{name: "Châtellerault", codes: []string{"86100"}, weight: 6},
		{name: "Chasseneuil-du-Poitou", codes: []string{"86360"}, weight: 3},
		{name: "Buxerolles", codes: []string{"86180"}, weight: 2},
		{name: "Loudun", codes: []string{"86200"}, weight: 1},
		{name: "Montmorillon", codes: []string{"86500"}, weight: 1},
		// Haute-Vienne (87)
		{name: "Limoges", codes: []string{"87000", "87100", "87280"}, weight: 24},
		{name: "Saint-Junien", codes: []string{"87200"}, weight: 3},
		{name: "Panazol", codes: []string{"87350"}, weight: 2},
		{name: "Couzeix", codes: []string{"87270"}, weight: 2},
		{name: "Bellac", codes: []string{"87300"}, weight: 1},
		{name: "Saint-Yrieix-la-Perche", codes: []string{"87500"}, weight: 1},
		// Elsewhere: national bodies, neighbours, Corsica and overseas.
		{name: "Paris", codes: []string{"75007", "75011", "75013", "75015"}, weight: 10},
		{name: "Toulouse", codes: []string{"31000", "31200", "31400"}, weight: 5},
		{name: "Lyon", codes: []string{"69003", "69007"}, weight: 3},
		{name: "Nantes", codes: []string{"44000"}, weight: 2},
		{name: "Ajaccio", codes: []string{"20000", "20090"}, weight: 2},
		{name: "Porto-Vecchio", codes: []string{"20137"}, weight: 1},
		{name: "Bastia", codes: []string{"20200", "20600"}, weight: 2},
		{name: "Corte", codes: []string{"20250"}, weight: 1},
		{name: "Pointe-à-Pitre", codes: []string{"97110"}, weight: 2},
		{name: "Les Abymes", codes: []string{"97139"}, weight: 1},
		{name: "Fort-de-France", codes: []string{"97200"}, weight: 1},
		{name: "Cayenne", codes: []string{"97300"}, weight: 1},
		{name: "Saint-Denis", codes: []string{"97400"}, weight: 2},
		{name: "Mamoudzou", codes: []string{"97600"}, weight: 1},
	}
	for i := range list {
		dep, err := domain.DepartmentFromPostalCode(list[i].codes[0])
		if err != nil {
			panic(fmt.Sprintf("gen: place %s: %v", list[i].name, err))
		}
		list[i].dept = dep
	}
	return newWeighted(list, func(p place) int { return p.weight })
}()

// departments names each department the places above are in, as it follows "de" in a name:
// "Chambre de Métiers et de l'Artisanat de la Gironde".
var departments = map[string]struct{ name, of string }{
	"16":  {"Charente", "de la Charente"},
	"17":  {"Charente-Maritime", "de la Charente-Maritime"},
	"19":  {"Corrèze", "de la Corrèze"},
	"23":  {"Creuse", "de la Creuse"},
	"24":  {"Dordogne", "de la Dordogne"},
	"33":  {"Gironde", "de la Gironde"},
	"40":  {"Landes", "des Landes"},
	"47":  {"Lot-et-Garonne", "du Lot-et-Garonne"},
	"64":  {"Pyrénées-Atlantiques", "des Pyrénées-Atlantiques"},
	"79":  {"Deux-Sèvres", "des Deux-Sèvres"},
	"86":  {"Vienne", "de la Vienne"},
	"87":  {"Haute-Vienne", "de la Haute-Vienne"},
	"75":  {"Paris", "de Paris"},
	"31":  {"Haute-Garonne", "de la Haute-Garonne"},
	"69":  {"Rhône", "du Rhône"},
	"44":  {"Loire-Atlantique", "de la Loire-Atlantique"},
	"2A":  {"Corse-du-Sud", "de Corse-du-Sud"},
	"2B":  {"Haute-Corse", "de Haute-Corse"},
	"971": {"Guadeloupe", "de la Guadeloupe"},
	"972": {"Martinique", "de la Martinique"},
	"973": {"Guyane", "de la Guyane"},
	"974": {"La Réunion", "de La Réunion"},
	"976": {"Mayotte", "de Mayotte"},
}

// areas are the names of the pays, valleys and conurbations that local bodies are named
// after ("Mission Locale du Libournais").
var areas = []string{
	"du Libournais", "des Graves", "du Médoc", "du Bassin d'Arcachon", "de la Haute Gironde",
	"du Sud Gironde", "des Hauts de Garonne", "Technowest", "du Périgord Noir", "du Haut Périgord",
	"du Bergeracois", "du Pays Basque", "du Béarn", "de Soule", "des Landes Océanes",
	"du Grand Angoulême", "du Cognaçais", "de l'Agglomération Rochelaise", "du Pays Royannais",
	"de la Saintonge", "du Haut-Limousin", "de la Creuse", "du Pays de Brive", "du Poitou",
	"du Châtelleraudais", "du Niortais", "du Bocage Bressuirais", "de l'Albret", "du Marmandais",
	"du Villeneuvois", "de la Vallée du Lot", "du Pays d'Orthez", "de Haute-Saintonge",
}

// streets are street names as they follow a number.
var streets = []string{
	"rue Sainte-Catherine", "cours de l'Intendance", "avenue Thiers", "rue Judaïque", "quai des Chartrons",
	"avenue Jean Jaurès", "rue de la République", "boulevard Victor Hugo", "place de la Mairie",
	"rue du Général de Gaulle", "avenue de la Libération", "rue Pasteur", "rue des Écoles",
	"chemin des Vignes", "allée des Pins", "rue de l'Église", "impasse des Lilas", "rue Émile Zola",
	"avenue du Maréchal Foch", "rue Gambetta", "rue Nationale", "route de Bordeaux", "rue du 8 Mai 1945",
	"avenue des Pyrénées", "rue Lafayette", "rue Carnot", "rue Jean Moulin", "rue des Tanneurs",
	"allée de Tourny", "cours Pasteur", "rue Aristide Briand", "avenue de Canéjan", "rue Théodore Blanc",
	"rue Pierre Mendès France", "avenue Léon Blum", "rue du Château d'Eau", "rue de la Gare",
	"boulevard des Arceaux", "rue Saint-Rémi", "place Gambetta", "rue des Frères Lumière",
	"avenue de l'Europe", "rue de Périgueux", "rue d'Angoulême", "chemin de la Fontaine",
	"rue des Acacias", "avenue François Mitterrand", "rue Édouard Vaillant", "rue du Moulin",
	"place du Marché", "rue Denis Papin", "rue de la Forêt", "rue Hélène Boucher", "allée des Châtaigniers",
}

// addressPrefixes sometimes come before the street, as people copy them from letterheads.
var addressPrefixes = []string{
	"Bâtiment B, ", "ZA du Phare, ", "Parc d'activités Pichey, ", "Résidence Les Érables, ",
	"Zone industrielle Nord, ", "Technopole Bordeaux Montesquieu, ", "Espace Entreprises, ",
}
