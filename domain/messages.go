package domain

import "fmt"

// Lang is a language the service speaks: messages and emails exist in each.
type Lang string

const (
	French  Lang = "fr"
	English Lang = "en"
)

// DefaultLang is used when a client states no preference (the service is French first).
const DefaultLang = French

// ParseLang maps a stored language code to a Lang, defaulting to French.
func ParseLang(s string) Lang {
	if s == string(English) {
		return English
	}
	return French
}

// Message is a translatable text: a catalog key and its arguments.
type Message struct {
	Key  string
	Args []any
}

// Msg builds a Message.
func Msg(key string, args ...any) Message { return Message{Key: key, Args: args} }

// In renders the message in the given language, falling back to the key itself.
func (m Message) In(l Lang) string {
	t, ok := catalog[m.Key]
	if !ok {
		return m.Key
	}
	f := t.fr
	if l == English {
		f = t.en
	}
	if len(m.Args) == 0 {
		return f
	}
	return fmt.Sprintf(f, m.Args...)
}

// Message keys. The texts live in the catalog below, one line per key and language.
const (
	MsgValidationFailed    = "validation_failed"
	MsgNotFound            = "not_found"
	MsgRouteNotFound       = "route_not_found"
	MsgMethodNotAllowed    = "method_not_allowed"
	MsgForbidden           = "forbidden"
	MsgInternal            = "internal"
	MsgUnavailable         = "unavailable"
	MsgNotBlank            = "not_blank"
	MsgNotNull             = "not_null"
	MsgInvalidJSON         = "invalid_json"
	MsgBodyTooLarge        = "body_too_large"
	MsgInvalidType         = "invalid_type"
	MsgInvalidEmail        = "invalid_email"
	MsgInvalidUUID         = "invalid_uuid"
	MsgTooShort            = "too_short"
	MsgTooLong             = "too_long"
	MsgInvalidChoice       = "invalid_choice"
	MsgInvalidInteger      = "invalid_integer"
	MsgOutOfRange          = "out_of_range"
	MsgInvalidDate         = "invalid_date"
	MsgInvalidOrder        = "invalid_order"
	MsgInvalidBool         = "invalid_bool"
	MsgInvalidGeoPoint     = "invalid_geo_point"
	MsgInvalidGeoNear      = "invalid_geo_near"
	MsgInvalidGeoHash      = "invalid_geo_hash"
	MsgInvalidURL          = "invalid_url"
	MsgAppKeyMissing       = "app_key_missing"
	MsgAppKeyUnknown       = "app_key_unknown"
	MsgTokenMissing        = "token_missing"
	MsgTokenInvalid        = "token_invalid"
	MsgTokenExpired        = "token_expired"
	MsgBadCredentials      = "bad_credentials"
	MsgEmailTaken          = "email_taken"
	MsgResetTokenInvalid   = "reset_token_invalid"
	MsgNotYourself         = "not_yourself"
	MsgNotAdmin            = "not_admin"
	MsgNotMember           = "not_member"
	MsgAlreadyMember       = "already_member"
	MsgLastAdmin           = "last_admin"
	MsgAgentElsewhere      = "agent_elsewhere"
	MsgUnknownRole         = "unknown_role"
	MsgUnknownReference    = "unknown_reference"
	MsgInvalidImage        = "invalid_image"
	MsgImageTooLarge       = "image_too_large"
	MsgInvalidImageSize    = "invalid_image_size"
	MsgPasswordTooLong     = "password_too_long"
	MsgInvalidColor        = "invalid_color"
	MsgDuplicate           = "duplicate"
	MsgFacebookUnavailable = "facebook_unavailable"
)

type text struct{ fr, en string }

var catalog = map[string]text{
	MsgValidationFailed:    {"La validation a échoué.", "Validation failed."},
	MsgNotFound:            {"Ressource introuvable.", "Resource not found."},
	MsgRouteNotFound:       {"Aucune route ne correspond à cette requête.", "No route matches this request."},
	MsgMethodNotAllowed:    {"Méthode non autorisée.", "Method not allowed."},
	MsgForbidden:           {"Accès refusé.", "Access denied."},
	MsgInternal:            {"Une erreur interne est survenue.", "An internal error occurred."},
	MsgUnavailable:         {"Service momentanément indisponible, réessayez plus tard.", "Service temporarily unavailable, try again later."},
	MsgNotBlank:            {"Cette valeur ne doit pas être vide.", "This value should not be blank."},
	MsgNotNull:             {"Cette valeur ne doit pas être nulle.", "This value should not be null."},
	MsgInvalidJSON:         {"Le corps de la requête n'est pas un JSON valide.", "The request body is not valid JSON."},
	MsgBodyTooLarge:        {"Le corps de la requête est trop volumineux.", "The request body is too large."},
	MsgInvalidType:         {"Cette valeur doit être de type %s.", "This value should be of type %s."},
	MsgInvalidEmail:        {"Cette valeur n'est pas une adresse email valide.", "This value is not a valid email address."},
	MsgInvalidUUID:         {"Cette valeur n'est pas un identifiant valide.", "This value is not a valid identifier."},
	MsgTooShort:            {"Cette valeur est trop courte. Elle doit avoir au minimum %v caractères.", "This value is too short. It should have %v characters or more."},
	MsgTooLong:             {"Cette valeur est trop longue. Elle doit avoir au maximum %v caractères.", "This value is too long. It should have %v characters or less."},
	MsgInvalidChoice:       {"Cette valeur doit être l'un des choix proposés : %s.", "The value you selected is not a valid choice: %s."},
	MsgInvalidInteger:      {"Cette valeur doit être un nombre entier.", "This value should be an integer."},
	MsgOutOfRange:          {"Cette valeur doit être comprise entre %v et %v.", "This value should be between %v and %v."},
	MsgInvalidDate:         {"Cette valeur n'est pas une date ISO 8601 valide.", "This value is not a valid ISO 8601 date."},
	MsgInvalidOrder:        {"L'ordre doit être asc ou desc.", "The order must be asc or desc."},
	MsgInvalidBool:         {"Cette valeur doit être un booléen.", "This value should be a boolean."},
	MsgInvalidGeoPoint:     {"Coordonnées invalides : attendu +latitude+longitude, par exemple +44.85-0.57.", "Invalid coordinates: expected +latitude+longitude, for example +44.85-0.57."},
	MsgInvalidGeoNear:      {"Recherche de proximité invalide : attendu un point et un rayon en mètres.", "Invalid proximity search: expected a point and a radius in metres."},
	MsgInvalidGeoHash:      {"Cette valeur n'est pas un geohash valide.", "This value is not a valid geohash."},
	MsgInvalidURL:          {"Cette valeur n'est pas une URL valide.", "This value is not a valid URL."},
	MsgAppKeyMissing:       {"L'en-tête X-Keyclic-App est obligatoire.", "The X-Keyclic-App header is required."},
	MsgAppKeyUnknown:       {"Application inconnue.", "Unknown application."},
	MsgTokenMissing:        {"Authentification requise.", "Authentication required."},
	MsgTokenInvalid:        {"Jeton d'accès invalide.", "Invalid access token."},
	MsgTokenExpired:        {"Jeton d'accès expiré.", "Expired access token."},
	MsgBadCredentials:      {"Identifiants invalides.", "Invalid credentials."},
	MsgEmailTaken:          {"Cette adresse email est déjà utilisée.", "This email address is already used."},
	MsgResetTokenInvalid:   {"Ce lien de réinitialisation est invalide ou a expiré.", "This reset link is invalid or has expired."},
	MsgNotYourself:         {"Vous ne pouvez modifier que votre propre compte.", "You can only change your own account."},
	MsgNotAdmin:            {"Réservé aux administrateurs de l'organisation.", "Only the organization's administrators may do this."},
	MsgNotMember:           {"Réservé aux membres de l'organisation.", "Only the organization's members may do this."},
	MsgAlreadyMember:       {"Cette personne est déjà membre de l'organisation.", "This person is already a member of the organization."},
	MsgLastAdmin:           {"Une organisation doit garder au moins un administrateur.", "An organization must keep at least one administrator."},
	MsgAgentElsewhere:      {"Cette personne est déjà agent d'une autre organisation.", "This person is already an agent of another organization."},
	MsgUnknownRole:         {"Rôle inconnu : %s.", "Unknown role: %s."},
	MsgUnknownReference:    {"Cette ressource n'existe pas.", "This resource does not exist."},
	MsgInvalidImage:        {"Cette valeur n'est pas une image PNG ou JPEG encodée en data URI.", "This value is not a PNG or JPEG image encoded as a data URI."},
	MsgImageTooLarge:       {"L'image est trop volumineuse (maximum %v octets).", "The image is too large (%v bytes at most)."},
	MsgInvalidImageSize:    {"Les dimensions doivent être comprises entre 1 et %v pixels.", "Dimensions must be between 1 and %v pixels."},
	MsgPasswordTooLong:     {"Le mot de passe doit faire au maximum %v octets.", "The password must be %v bytes or less."},
	MsgInvalidColor:        {"Cette valeur n'est pas une couleur valide (#rrggbb).", "This value is not a valid colour (#rrggbb)."},
	MsgDuplicate:           {"Cette valeur est déjà utilisée.", "This value is already used."},
	MsgFacebookUnavailable: {"La connexion avec Facebook n'est pas disponible sur ce service.", "Facebook login is not available on this service."},
}
