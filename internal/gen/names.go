package gen

// firstName is a given name and whether titles agree in the feminine for it.
type firstName struct {
	name     string
	feminine bool
}

var firstNames = []firstName{
	{"Élodie", true}, {"Jérôme", false}, {"François", false}, {"Hélène", true}, {"Gaëlle", true},
	{"Stéphane", false}, {"Frédéric", false}, {"Cécile", true}, {"Aurélie", true}, {"Noémie", true},
	{"Benoît", false}, {"Anaïs", true}, {"Zoé", true}, {"Chloé", true}, {"Léa", true}, {"Théo", false},
	{"Raphaël", false}, {"Joël", false}, {"Maëlle", true}, {"Clément", false}, {"Sébastien", false},
	{"Amélie", true}, {"Valérie", true}, {"Mélanie", true}, {"Gérard", false}, {"Agnès", true},
	{"Inès", true}, {"Loïc", false}, {"Célia", true}, {"Jean-François", false}, {"Marie-Hélène", true},
	{"Pierre", false}, {"Marie", true}, {"Camille", true}, {"Camille", false}, {"Nicolas", false},
	{"Julien", false}, {"Sophie", true}, {"Isabelle", true}, {"Laurent", false}, {"Nathalie", true},
	{"Thomas", false}, {"Manon", true}, {"Lucas", false}, {"Emma", true}, {"Hugo", false},
	{"Louise", true}, {"Arthur", false}, {"Jade", true}, {"Paul", false}, {"Alice", true},
	{"Mathieu", false}, {"Claire", true}, {"Vincent", false}, {"Sandrine", true}, {"Christophe", false},
	{"Anne", true}, {"Philippe", false}, {"Catherine", true}, {"David", false}, {"Céline", true},
	{"Olivier", false}, {"Karine", true}, {"Patrick", false}, {"Sylvie", true}, {"Éric", false},
	{"Véronique", true}, {"Alain", false}, {"Brigitte", true}, {"Yannick", false}, {"Maïté", true},
	{"Peio", false}, {"Ainhoa", true}, {"Iñaki", false}, {"Maialen", true}, {"Jean-Baptiste", false},
	{"Anne-Sophie", true}, {"Josiane", true}, {"Bruno", false}, {"Françoise", true}, {"Thérèse", true},
	{"Rémi", false}, {"Mathéo", false}, {"Océane", true}, {"Solène", true}, {"Gaëtan", false},
	{"Ludovic", false}, {"Laëtitia", true}, {"Bérénice", true}, {"Noël", false}, {"Adèle", true},
}

var lastNames = []string{
	"Lefèvre", "Bénard", "Müller", "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit",
	"Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand",
	"Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
	"François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller",
	"Henry", "Roussel", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez",
	"Fontaine", "Chevalier", "Robin", "Masson", "Sanchez", "Gérard", "Nguyen", "Boyer", "Denis",
	"Lemaire", "Duval", "Joly", "Gautier", "Roger", "Roche", "Noël", "Meyer", "Lucas", "Meunier",
	"Pérez", "Marchand", "Dufour", "Blanchard", "Barbier", "Brun", "Dumas", "Brunet", "Schmitt",
	"Leroux", "Colin", "Fernandez", "Renard", "Arnaud", "Rolland", "Caron", "Aubert", "Giraud",
	"Leclerc", "Vidal", "Bourgeois", "Renaud", "Lemoine", "Picard", "Gaillard", "Lacroix", "Fabre",
	"Dupuis", "Rodriguez", "Da Silva", "Hubert", "Guillot", "Rivière", "Le Gall", "Moulin", "Berger",
	"Lecomte", "Ménard", "Fleury", "Deschamps", "Carpentier", "Lebrun", "Labbé", "Hébert", "Étienne",
	"Etcheverry", "Harriet", "Lartigue", "Darrieussecq", "Laborde", "Lassalle", "Duprat", "Dartigues",
	"Etchegaray", "Iriarte", "Bordenave", "Castaing", "Santoni", "Casanova", "Célestine", "D'Almeida",
	"N'Diaye", "Benoît", "Desbordes", "Lagarde", "Peyrat", "Chabrier", "Maréchal", "Bégaud", "Lalanne",
}

// eponyms are the people schools and centres are named after.
var eponyms = []string{
	"Jean Moulin", "Victor Hugo", "Marcel Dassault", "Jacques Brel", "Émile Combes", "Gustave Eiffel",
	"Marie Curie", "Léonard de Vinci", "Jean Jaurès", "François Mauriac", "Montesquieu", "Camille Claudel",
	"Jules Ferry", "Louis Pasteur", "Paul Bert", "Élie Faure", "Hélène Boucher", "Condorcet",
	"Jean Rostand", "George Sand", "Antoine de Saint-Exupéry", "Simone Veil", "Aliénor d'Aquitaine",
	"Michel de Montaigne", "Émile Zola", "Jean Monnet", "Albert Camus", "Henri Brulle", "Bernard Palissy",
	"Jean Favard", "Édouard Branly", "Marguerite Duras", "Joséphine Baker", "Gaston Crampe",
	"Jean d'Arcet", "Léo Lagrange", "Toulouse-Lautrec", "Raymond Loewy", "Pierre Loti", "Ambroise Croizat",
}

// estateNames are what vineyards and houses are called.
var estateNames = []string{
	"Bellevue", "Beauséjour", "Mont-Plaisir", "La Rivière", "Les Tuileries", "Grand Pré", "Lescure",
	"Peyrelongue", "La Croix", "Haut-Mayne", "Le Cœur", "La Grâce", "Les Œillets", "Bel-Air",
	"Lagrange", "Haut-Bernat", "La Garenne", "Fontenelle", "Les Jonquières", "Roc de Joanin",
}
