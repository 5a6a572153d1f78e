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
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		if inner, ok := a.(Message); ok { // a message quoting another: both in one language
			a = inner.In(l)
		}
		args[i] = a
	}
	return fmt.Sprintf(f, args...)
}

// Message keys. The texts live in the catalog below, one line per key and language.
const (
	MsgValidationFailed                = "validation_failed"
	MsgNotFound                        = "not_found"
	MsgRouteNotFound                   = "route_not_found"
	MsgDocsAssetsMissing               = "docs_assets_missing"
	MsgMethodNotAllowed                = "method_not_allowed"
	MsgForbidden                       = "forbidden"
	MsgInternal                        = "internal"
	MsgUnavailable                     = "unavailable"
	MsgNotBlank                        = "not_blank"
	MsgNotNull                         = "not_null"
	MsgInvalidJSON                     = "invalid_json"
	MsgBodyTooLarge                    = "body_too_large"
	MsgBodyTimeout                     = "body_timeout"
	MsgInvalidType                     = "invalid_type"
	MsgInvalidEmail                    = "invalid_email"
	MsgInvalidUUID                     = "invalid_uuid"
	MsgTooShort                        = "too_short"
	MsgTooLong                         = "too_long"
	MsgInvalidChoice                   = "invalid_choice"
	MsgInvalidInteger                  = "invalid_integer"
	MsgOutOfRange                      = "out_of_range"
	MsgInvalidDate                     = "invalid_date"
	MsgInvalidOrder                    = "invalid_order"
	MsgInvalidBool                     = "invalid_bool"
	MsgInvalidGeoPoint                 = "invalid_geo_point"
	MsgInvalidGeoNear                  = "invalid_geo_near"
	MsgInvalidGeoHash                  = "invalid_geo_hash"
	MsgInvalidURL                      = "invalid_url"
	MsgInvalidCharacter                = "invalid_character"
	MsgInvalidValue                    = "invalid_value"
	MsgWebhookDisabled                 = "webhook_disabled"
	MsgWebhookRecoveryRunning          = "webhook_recovery_running"
	MsgAppKeyMissing                   = "app_key_missing"
	MsgAppKeyUnknown                   = "app_key_unknown"
	MsgTokenMissing                    = "token_missing"
	MsgTokenInvalid                    = "token_invalid"
	MsgTokenExpired                    = "token_expired"
	MsgBadCredentials                  = "bad_credentials"
	MsgTooManyLogins                   = "too_many_logins"
	MsgEmailTaken                      = "email_taken"
	MsgResetTokenInvalid               = "reset_token_invalid"
	MsgNotYourself                     = "not_yourself"
	MsgNotAdmin                        = "not_admin"
	MsgNotMember                       = "not_member"
	MsgAlreadyMember                   = "already_member"
	MsgLastAdmin                       = "last_admin"
	MsgAgentElsewhere                  = "agent_elsewhere"
	MsgUnknownRole                     = "unknown_role"
	MsgUnknownReference                = "unknown_reference"
	MsgInvalidImage                    = "invalid_image"
	MsgImageTooLarge                   = "image_too_large"
	MsgInvalidImageSize                = "invalid_image_size"
	MsgImageTooManyPixels              = "image_too_many_pixels"
	MsgImageTooCostly                  = "image_too_costly"
	MsgImagesBusy                      = "images_busy"
	MsgPasswordTooLong                 = "password_too_long"
	MsgInvalidColor                    = "invalid_color"
	MsgDuplicate                       = "duplicate"
	MsgFacebookUnavailable             = "facebook_unavailable"
	MsgAcceptedElsewhere               = "accepted_elsewhere"
	MsgReportFinal                     = "report_final"
	MsgDuplicateOfItself               = "duplicate_of_itself"
	MsgDuplicateOriginalUnknown        = "duplicate_original_unknown"
	MsgDuplicateState                  = "duplicate_state"
	MsgDuplicateOriginalEnded          = "duplicate_original_ended"
	MsgDuplicateOriginalIsDuplicate    = "duplicate_original_is_duplicate"
	MsgDuplicateHasDuplicates          = "duplicate_has_duplicates"
	MsgNotifyUserRegistered            = "notify.userRegistered"
	MsgNotifyUserRegisteredSubject     = "notify.userRegistered.subject"
	MsgNotifyFeedbackCommented         = "notify.feedbackCommented"
	MsgNotifyFeedbackCommentedSubject  = "notify.feedbackCommented.subject"
	MsgNotifyReportCreated             = "notify.reportCreated"
	MsgNotifyReportCreatedSubject      = "notify.reportCreated.subject"
	MsgNotifyReportAccepted            = "notify.reportAccepted"
	MsgNotifyReportAcceptedSubject     = "notify.reportAccepted.subject"
	MsgNotifyReportClosed              = "notify.reportClosed"
	MsgNotifyReportClosedSubject       = "notify.reportClosed.subject"
	MsgNotifyReportRefused             = "notify.reportRefused"
	MsgNotifyReportRefusedSubject      = "notify.reportRefused.subject"
	MsgNotifyReportDelegated           = "notify.reportDelegated"
	MsgNotifyReportDelegatedSubject    = "notify.reportDelegated.subject"
	MsgNotifyReportOverdue             = "notify.reportOverdue"
	MsgNotifyReportOverdueSubject      = "notify.reportOverdue.subject"
	MsgNotifyDocumentAdded             = "notify.documentAdded"
	MsgNotifyDocumentAddedSubject      = "notify.documentAdded.subject"
	MsgNotifyOperationAssigned         = "notify.operationAssigned"
	MsgNotifyOperationAssignedSubject  = "notify.operationAssigned.subject"
	MsgNotifyOperationResolved         = "notify.operationResolved"
	MsgNotifyOperationResolvedSubject  = "notify.operationResolved.subject"
	MsgNotifyOperationRemind           = "notify.operationRemind"
	MsgNotifyOperationRemindSubject    = "notify.operationRemind.subject"
	MsgNotifyOperationCommented        = "notify.operationCommented"
	MsgNotifyOperationCommentedSubject = "notify.operationCommented.subject"
	MsgNotifyFeedbackToReview          = "notify.feedbackToReview"
	MsgNotifyFeedbackToReviewSubject   = "notify.feedbackToReview.subject"
	MsgNotReviewer                     = "not_reviewer"
	MsgAlreadyReviewed                 = "already_reviewed"
	MsgReviewRequestExpired            = "review_request_expired"
	MsgInternalURL                     = "internal_url"
	MsgUnresolvableURL                 = "unresolvable_url"
	MsgLifecycleOver                   = "lifecycle_over"
	MsgOpenOperations                  = "open_operations"
	MsgDelegationCycle                 = "delegation_cycle"
	MsgNotPartner                      = "not_partner"
	MsgNotTreating                     = "not_treating"
	MsgOperationRemoved                = "operation_removed"
	MsgAssigneeRole                    = "assignee_role"
	MsgNotAssigned                     = "not_assigned"
	MsgUnknownTransition               = "unknown_transition"
	MsgTransitionNotAllowed            = "transition_not_allowed"
	MsgNoMatchingOrganization          = "no_matching_organization"
	MsgProModeNotAgent                 = "pro_mode_not_agent"
	MsgProModeOutside                  = "pro_mode_outside"
	MsgPolygonNoRing                   = "polygon_no_ring"
	MsgRingTooShort                    = "ring_too_short"
	MsgRingNotClosed                   = "ring_not_closed"
	MsgInvalidSRID                     = "invalid_srid"
	MsgInvalidPolygon                  = "invalid_polygon"
	MsgInvalidWKT                      = "invalid_wkt"
	MsgSelfPartner                     = "self_partner"
	MsgAlreadyPartner                  = "already_partner"
	MsgFeedbackNotPublic               = "feedback_not_public"
	MsgAlreadyContributed              = "already_contributed"
	MsgNotReporter                     = "not_reporter"
	MsgOperationImageDenied            = "operation_image_denied"
	MsgOperationEditDenied             = "operation_edit_denied"
	MsgAssigneeEditFields              = "assignee_edit_fields"
	MsgAdminOnlyField                  = "admin_only_field"
	MsgInvalidTimeZone                 = "invalid_time_zone"
	MsgInvalidTelephone                = "invalid_telephone"
	MsgInvalidDayOfWeek                = "invalid_day_of_week"
	MsgInvalidTimeOfDay                = "invalid_time_of_day"
	MsgEmptyOpeningRange               = "empty_opening_range"
	MsgOverlappingHours                = "overlapping_hours"
	MsgTooManyItems                    = "too_many_items"
	MsgInvalidServiceDuration          = "invalid_service_duration"
	MsgNoServiceLevels                 = "no_service_levels"
	MsgNotExporter                     = "not_exporter"
	MsgExportNotReady                  = "export_not_ready"
	MsgExportFileGone                  = "export_file_gone"
	MsgNotAnalyst                      = "not_analyst"
	MsgChartNoCategory                 = "chart.noCategory"
	MsgChartNoPlace                    = "chart.noPlace"
	MsgOpen311Repeated                 = "open311.repeated"
	MsgOpen311NoGeocoding              = "open311.noGeocoding"
	MsgOpen311LocationRequired         = "open311.locationRequired"
	MsgOpen311AttributeName            = "open311.attributeName"
	MsgOpen311UnknownAttribute         = "open311.unknownAttribute"
	MsgOpen311InvalidNumber            = "open311.invalidNumber"
	MsgOpen311InvalidDate              = "open311.invalidDate"
	MsgOpen311StartAfterEnd            = "open311.startAfterEnd"
	MsgOpen311KeyMissing               = "open311.keyMissing"
	MsgOpen311KeyInvalid               = "open311.keyInvalid"
	MsgOpen311JurisdictionMissing      = "open311.jurisdictionMissing"
	MsgOpen311JurisdictionUnknown      = "open311.jurisdictionUnknown"
	MsgOpen311ServiceUnknown           = "open311.serviceUnknown"
	MsgOpen311RequestUnknown           = "open311.requestUnknown"
	MsgOpen311TokenUnknown             = "open311.tokenUnknown"
	MsgOpen311NotCreated               = "open311.notCreated"
	MsgOpen311FormExpected             = "open311.formExpected"
	MsgOpen311BadForm                  = "open311.badForm"
	MsgOpen311GeneralService           = "open311.generalService"
	MsgOpen311GeneralDescription       = "open311.generalDescription"
	MsgOpen311CategoryDescription      = "open311.categoryDescription"
	MsgOpen311Received                 = "open311.received"
	MsgOpen311Accepted                 = "open311.accepted"
	MsgOpen311OnHold                   = "open311.onHold"
	MsgOpen311InProgress               = "open311.inProgress"
	MsgOpen311Closed                   = "open311.closed"
	MsgOpen311Refused                  = "open311.refused"
	MsgOpen311Notice                   = "open311.notice"
	MsgOpen311Pending                  = "open311.pending"
	MsgIdempotencyKeyInvalid           = "idempotencyKey.invalid"
	MsgIdempotencyKeyReused            = "idempotencyKey.reused"
	MsgIdempotencyKeyBusy              = "idempotencyKey.busy"
)

type text struct{ fr, en string }

var catalog = map[string]text{
	MsgValidationFailed:                {"La validation a échoué.", "Validation failed."},
	MsgNotFound:                        {"Ressource introuvable.", "Resource not found."},
	MsgRouteNotFound:                   {"Aucune route ne correspond à cette requête.", "No route matches this request."},
	MsgDocsAssetsMissing:               {"La page de documentation n'a pas été construite : lancez `make docs-assets` puis reconstruisez le binaire.", "The docs page was not built: run `make docs-assets`, then build the binary again."},
	MsgMethodNotAllowed:                {"Méthode non autorisée.", "Method not allowed."},
	MsgForbidden:                       {"Accès refusé.", "Access denied."},
	MsgInternal:                        {"Une erreur interne est survenue.", "An internal error occurred."},
	MsgUnavailable:                     {"Service momentanément indisponible, réessayez plus tard.", "Service temporarily unavailable, try again later."},
	MsgNotBlank:                        {"Cette valeur ne doit pas être vide.", "This value should not be blank."},
	MsgNotNull:                         {"Cette valeur ne doit pas être nulle.", "This value should not be null."},
	MsgInvalidJSON:                     {"Le corps de la requête n'est pas un JSON valide.", "The request body is not valid JSON."},
	MsgBodyTooLarge:                    {"Le corps de la requête est trop volumineux.", "The request body is too large."},
	MsgBodyTimeout:                     {"Le corps de la requête est arrivé trop lentement.", "The request body arrived too slowly."},
	MsgInvalidType:                     {"Cette valeur doit être de type %s.", "This value should be of type %s."},
	MsgInvalidEmail:                    {"Cette valeur n'est pas une adresse email valide.", "This value is not a valid email address."},
	MsgInvalidUUID:                     {"Cette valeur n'est pas un identifiant valide.", "This value is not a valid identifier."},
	MsgTooShort:                        {"Cette valeur est trop courte. Elle doit avoir au minimum %v caractères.", "This value is too short. It should have %v characters or more."},
	MsgTooLong:                         {"Cette valeur est trop longue. Elle doit avoir au maximum %v caractères.", "This value is too long. It should have %v characters or less."},
	MsgInvalidChoice:                   {"Cette valeur doit être l'un des choix proposés : %s.", "The value you selected is not a valid choice: %s."},
	MsgInvalidInteger:                  {"Cette valeur doit être un nombre entier.", "This value should be an integer."},
	MsgOutOfRange:                      {"Cette valeur doit être comprise entre %v et %v.", "This value should be between %v and %v."},
	MsgInvalidDate:                     {"Cette valeur n'est pas une date ISO 8601 valide.", "This value is not a valid ISO 8601 date."},
	MsgInvalidOrder:                    {"L'ordre doit être asc ou desc.", "The order must be asc or desc."},
	MsgInvalidBool:                     {"Cette valeur doit être un booléen.", "This value should be a boolean."},
	MsgInvalidGeoPoint:                 {"Coordonnées invalides : attendu +latitude+longitude, par exemple +44.85-0.57.", "Invalid coordinates: expected +latitude+longitude, for example +44.85-0.57."},
	MsgInvalidGeoNear:                  {"Recherche de proximité invalide : attendu un point et un rayon en mètres.", "Invalid proximity search: expected a point and a radius in metres."},
	MsgInvalidGeoHash:                  {"Cette valeur n'est pas un geohash valide.", "This value is not a valid geohash."},
	MsgInvalidURL:                      {"Cette valeur n'est pas une URL valide.", "This value is not a valid URL."},
	MsgInvalidCharacter:                {"Cette valeur contient un caractère nul ou un texte mal encodé (UTF-8 attendu).", "This value contains a NUL character or badly encoded text (UTF-8 expected)."},
	MsgWebhookDisabled:                 {"Ce webhook est désactivé : réactivez-le (enabled) avant de relivrer.", "This webhook is disabled: enable it before redelivering."},
	MsgWebhookRecoveryRunning:          {"Une reprise des livraisons de ce webhook est déjà en cours : réessayez quand elle sera terminée.", "A recovery of this webhook's deliveries is already running: try again once it has ended."},
	MsgInvalidValue:                    {"Une valeur de la requête n'est pas valide.", "A value of the request is not valid."},
	MsgAppKeyMissing:                   {"L'en-tête X-Keyclic-App est obligatoire.", "The X-Keyclic-App header is required."},
	MsgAppKeyUnknown:                   {"Application inconnue.", "Unknown application."},
	MsgTokenMissing:                    {"Authentification requise.", "Authentication required."},
	MsgTokenInvalid:                    {"Jeton d'accès invalide.", "Invalid access token."},
	MsgTokenExpired:                    {"Jeton d'accès expiré.", "Expired access token."},
	MsgTooManyLogins:                   {"Trop de tentatives de connexion : réessayez dans quelques minutes.", "Too many login attempts: try again in a few minutes."},
	MsgBadCredentials:                  {"Identifiants invalides.", "Invalid credentials."},
	MsgEmailTaken:                      {"Cette adresse email est déjà utilisée.", "This email address is already used."},
	MsgResetTokenInvalid:               {"Ce lien de réinitialisation est invalide ou a expiré.", "This reset link is invalid or has expired."},
	MsgNotYourself:                     {"Vous ne pouvez modifier que votre propre compte.", "You can only change your own account."},
	MsgNotAdmin:                        {"Réservé aux administrateurs de l'organisation.", "Only the organization's administrators may do this."},
	MsgNotMember:                       {"Réservé aux membres de l'organisation.", "Only the organization's members may do this."},
	MsgAlreadyMember:                   {"Cette personne est déjà membre de l'organisation.", "This person is already a member of the organization."},
	MsgLastAdmin:                       {"Une organisation doit garder au moins un administrateur.", "An organization must keep at least one administrator."},
	MsgAgentElsewhere:                  {"Cette personne est déjà agent d'une autre organisation.", "This person is already an agent of another organization."},
	MsgUnknownRole:                     {"Rôle inconnu : %s.", "Unknown role: %s."},
	MsgUnknownReference:                {"Cette ressource n'existe pas.", "This resource does not exist."},
	MsgInvalidImage:                    {"Cette valeur n'est pas une image PNG ou JPEG encodée en data URI.", "This value is not a PNG or JPEG image encoded as a data URI."},
	MsgImageTooLarge:                   {"L'image est trop volumineuse (maximum %v octets).", "The image is too large (%v bytes at most)."},
	MsgInvalidImageSize:                {"Les dimensions doivent être comprises entre 1 et %v pixels.", "Dimensions must be between 1 and %v pixels."},
	MsgImageTooManyPixels:              {"L'image fait %v × %v pixels : %v pixels au plus sont acceptés, et %v au plus de côté.", "The image is %v × %v pixels: at most %v pixels are accepted, and at most %v on a side."},
	MsgImageTooCostly:                  {"Cette image demande trop de mémoire à décoder : dans son codage (JPEG progressif ou CMJN, PNG 16 bits ou entrelacé…), %v pixels au plus sont acceptés, elle en a %v.", "This image needs too much memory to decode: in its encoding (progressive or CMYK JPEG, 16-bit or interlaced PNG…), at most %v pixels are accepted, and it has %v."},
	MsgImagesBusy:                      {"Trop d'images sont en cours de traitement : réessayez dans quelques secondes.", "Too many images are being processed: try again in a few seconds."},
	MsgPasswordTooLong:                 {"Le mot de passe doit faire au maximum %v octets.", "The password must be %v bytes or less."},
	MsgInvalidColor:                    {"Cette valeur n'est pas une couleur valide (#rrggbb).", "This value is not a valid colour (#rrggbb)."},
	MsgDuplicate:                       {"Cette valeur est déjà utilisée.", "This value is already used."},
	MsgUnknownTransition:               {"Transition inconnue : %v.", "Unknown transition: %v."},
	MsgTransitionNotAllowed:            {"La transition %v n'est pas possible dans l'état %v.", "The transition %v is not allowed in state %v."},
	MsgNoMatchingOrganization:          {"Aucune organisation ne prend en charge ce lieu.", "No organization handles this location."},
	MsgProModeNotAgent:                 {"Le mode pro est réservé aux agents d'une organisation.", "Pro mode is reserved to an organization's agents."},
	MsgProModeOutside:                  {"Ce lieu est hors des lieux de votre organisation.", "This location is outside your organization's places."},
	MsgAcceptedElsewhere:               {"Une autre organisation a déjà accepté ce signalement.", "Another organization already accepted this report."},
	MsgLifecycleOver:                   {"Le cycle de vie de cette ressource est terminé : elle ne peut plus changer.", "This resource's lifecycle is over: it cannot change any more."},
	MsgInternalURL:                     {"Cette adresse mène à un réseau interne : elle est refusée.", "This address leads to an internal network: it is refused."},
	MsgUnresolvableURL:                 {"Le nom d'hôte de cette adresse est introuvable.", "The host name of this address cannot be resolved."},
	MsgNotifyUserRegistered:            {"Bienvenue sur Keyclic ! Votre compte %v est prêt.", "Welcome to Keyclic! Your account %v is ready."},
	MsgNotifyUserRegisteredSubject:     {"Bienvenue sur Keyclic", "Welcome to Keyclic"},
	MsgNotifyFeedbackCommented:         {"%v a commenté le signalement « %v » : %v", "%v commented on the feedback \"%v\": %v"},
	MsgNotifyFeedbackCommentedSubject:  {"Nouveau commentaire sur un signalement", "New comment on a feedback"},
	MsgNotifyReportCreated:             {"%v a reçu un nouveau signalement : « %v ».", "%v received a new report: \"%v\"."},
	MsgNotifyReportCreatedSubject:      {"Nouveau signalement reçu", "New report received"},
	MsgNotifyReportAccepted:            {"Le signalement « %v » a été accepté par %v.", "The feedback \"%v\" was accepted by %v."},
	MsgNotifyReportAcceptedSubject:     {"Votre signalement a été accepté", "Your feedback was accepted"},
	MsgNotifyReportClosed:              {"Le signalement « %v » a été clôturé par %v.", "The feedback \"%v\" was closed by %v."},
	MsgNotifyReportClosedSubject:       {"Votre signalement a été traité", "Your feedback was dealt with"},
	MsgNotifyReportRefused:             {"Le signalement « %v » a été refusé par %v.", "The feedback \"%v\" was refused by %v."},
	MsgNotifyReportRefusedSubject:      {"Votre signalement a été refusé", "Your feedback was refused"},
	MsgNotifyReportDelegated:           {"%v a délégué le signalement « %v » à %v.", "%v delegated the report \"%v\" to %v."},
	MsgNotifyReportDelegatedSubject:    {"Un signalement vous a été délégué", "A report was delegated to you"},
	MsgNotifyReportOverdue:             {"Le signalement « %v » a dépassé le délai promis par %v (échéance %v).", "The report \"%v\" is past the time %v promised for it (due %v)."},
	MsgNotifyReportOverdueSubject:      {"Un signalement a dépassé son délai", "A report is overdue"},
	MsgNotifyDocumentAdded:             {"%v a ajouté un document au signalement « %v ».", "%v added a document to the report \"%v\"."},
	MsgNotifyDocumentAddedSubject:      {"Nouveau document sur un signalement", "New document on a report"},
	MsgNotifyOperationAssigned:         {"L'opération « %v » vous a été assignée par %v.", "The operation \"%v\" was assigned to you by %v."},
	MsgNotifyOperationAssignedSubject:  {"Une opération vous a été assignée", "An operation was assigned to you"},
	MsgNotifyOperationResolved:         {"L'opération « %v » a été résolue par %v.", "The operation \"%v\" was resolved by %v."},
	MsgNotifyOperationResolvedSubject:  {"Une opération a été résolue", "An operation was resolved"},
	MsgNotifyOperationRemind:           {"L'opération « %v » a dépassé son échéance et n'est pas résolue (rappel n° %v).", "The operation \"%v\" is past its due time and not resolved (reminder #%v)."},
	MsgNotifyOperationRemindSubject:    {"Rappel : une opération n'est pas résolue", "Reminder: an operation is not resolved"},
	MsgNotifyOperationCommented:        {"%v a commenté l'opération « %v » : %v", "%v commented on the operation \"%v\": %v"},
	MsgNotifyOperationCommentedSubject: {"Nouveau commentaire sur une opération", "New comment on an operation"},
	MsgNotifyFeedbackToReview:          {"Le signalement « %v » a été traité par %v : donnez votre avis, de 1 à 5.", "The feedback \"%v\" was dealt with by %v: rate how it was handled, from 1 to 5."},
	MsgNotifyFeedbackToReviewSubject:   {"Donnez votre avis sur un signalement traité", "Rate how your feedback was handled"},
	MsgNotReviewer:                     {"Seule la personne invitée à donner son avis peut y répondre.", "Only the person asked for this review can answer it."},
	MsgAlreadyReviewed:                 {"Cette demande d'avis a déjà reçu une réponse.", "This review request was already answered."},
	MsgReviewRequestExpired:            {"Cette demande d'avis a expiré le %v : elle n'accepte plus de réponse.", "This review request expired on %v: it accepts no answer any more."},
	MsgReportFinal:                     {"Ce signalement est terminé (%v) : il ne peut plus changer.", "This report is over (%v): it cannot change any more."},
	MsgDuplicateOfItself:               {"Un signalement ne peut pas être le doublon de lui-même.", "A report cannot be a duplicate of itself."},
	MsgDuplicateOriginalUnknown:        {"Le signalement %v n'est pas un signalement que votre organisation traite.", "The report %v is not a report your organization treats."},
	MsgDuplicateState:                  {"Ce signalement est dans l'état %v : seul un signalement NEW ou ACCEPTED peut être marqué comme doublon.", "This report is %v: only a NEW or ACCEPTED report can be marked as a duplicate."},
	MsgDuplicateOriginalEnded:          {"Le signalement %v est dans l'état %v : il ne peut pas être l'original d'un doublon.", "The report %v is %v: it cannot be the original of a duplicate."},
	MsgDuplicateOriginalIsDuplicate:    {"Le signalement %v est lui-même un doublon du signalement %v : marquez celui-ci comme doublon de %v.", "The report %v is itself a duplicate of report %v: mark this one as a duplicate of %v."},
	MsgDuplicateHasDuplicates:          {"Ce signalement a lui-même des doublons (%v) : marquez-les d'abord comme doublons de %v.", "This report has duplicates of its own (%v): mark them as duplicates of %v first."},
	MsgOpenOperations:                  {"Des opérations ne sont pas résolues : %v.", "Some operations are not resolved: %v."},
	MsgDelegationCycle:                 {"Cette organisation fait déjà partie de la chaîne de délégation de ce signalement.", "This organization is already in the report's delegation chain."},
	MsgNotPartner:                      {"Cette organisation n'est pas partenaire de la vôtre.", "This organization is not a partner of yours."},
	MsgNotTreating:                     {"Ce signalement est traité par une autre organisation.", "Another organization is treating this report."},
	MsgOperationRemoved:                {"Cette opération a été supprimée.", "This operation was removed."},
	MsgAssigneeRole:                    {"Ce membre n'est ni opérateur ni administrateur de l'organisation.", "This member is neither an operator nor an administrator of the organization."},
	MsgNotAssigned:                     {"Seul le membre assigné ou un administrateur peut faire avancer cette opération.", "Only the assigned member or an administrator can move this operation on."},
	MsgFacebookUnavailable:             {"La connexion avec Facebook n'est pas disponible sur ce service.", "Facebook login is not available on this service."},
	MsgPolygonNoRing:                   {"Le polygone doit avoir au moins un anneau (son contour).", "The polygon must have at least one ring (its boundary)."},
	MsgRingTooShort:                    {"L'anneau %v du polygone doit avoir au moins %v points.", "Ring %v of the polygon must have %v points or more."},
	MsgRingNotClosed:                   {"L'anneau %v du polygone doit être fermé : son dernier point doit être son premier.", "Ring %v of the polygon must be closed: its last point must be its first."},
	MsgInvalidSRID:                     {"Le système de coordonnées doit être WGS 84 (srid %v).", "The coordinate system must be WGS 84 (srid %v)."},
	MsgInvalidPolygon:                  {"Ce polygone n'est pas valide : ses côtés se croisent ou ses trous débordent.", "This polygon is not valid: its edges cross or its holes stick out."},
	MsgInvalidWKT:                      {"Cette valeur n'est pas un polygone WKT valide, par exemple POLYGON((lon lat, ...)).", "This value is not a valid WKT polygon, for example POLYGON((lon lat, ...))."},
	MsgSelfPartner:                     {"Une organisation ne peut pas être sa propre partenaire.", "An organization cannot be its own partner."},
	MsgAlreadyPartner:                  {"Cette organisation est déjà partenaire.", "This organization is already a partner."},
	MsgFeedbackNotPublic:               {"Seuls les signalements publics peuvent être commentés ou soutenus.", "Only public feedbacks can be commented on or supported."},
	MsgAlreadyContributed:              {"Vous soutenez déjà ce signalement.", "You already support this feedback."},
	MsgNotReporter:                     {"Seul l'auteur du signalement peut y ajouter des images.", "Only the feedback's author can add images to it."},
	MsgOperationImageDenied:            {"Seul le membre assigné ou un administrateur de l'organisation qui traite le signalement peut modifier les images de cette opération.", "Only the assigned member or an administrator of the organization treating the report can change this operation's images."},
	MsgOperationEditDenied:             {"Seul le membre assigné ou un administrateur de l'organisation qui traite le signalement peut modifier cette opération.", "Only the assigned member or an administrator of the organization treating the report can change this operation."},
	MsgAssigneeEditFields:              {"Le membre assigné ne modifie que le nom et la description de l'opération.", "The assigned member changes only the operation's name and description."},
	MsgAdminOnlyField:                  {"Seul un administrateur de l'organisation peut modifier ce champ.", "Only an administrator of the organization can change this field."},
	MsgInvalidTimeZone:                 {"Cette valeur n'est pas un nom de fuseau horaire IANA, par exemple Europe/Paris.", "This value is not an IANA time zone name, for example Europe/Paris."},
	MsgInvalidTelephone:                {"Cette valeur n'est pas un numéro de téléphone (3 à 32 chiffres, espaces et + . - ( ) au plus).", "This value is not a telephone number (3 to 32 digits, spaces and + . - ( ) at most)."},
	MsgInvalidDayOfWeek:                {"Cette valeur doit être un jour de la semaine, en anglais : Monday, Tuesday, Wednesday, Thursday, Friday, Saturday ou Sunday.", "This value should be a day of the week: Monday, Tuesday, Wednesday, Thursday, Friday, Saturday or Sunday."},
	MsgInvalidTimeOfDay:                {"Cette valeur doit être une heure HH:MM comprise entre %v et %v.", "This value should be a time HH:MM between %v and %v."},
	MsgEmptyOpeningRange:               {"L'heure de fermeture doit différer de l'heure d'ouverture (00:00 à 24:00 pour une journée entière).", "The closing time must differ from the opening time (00:00 to 24:00 for a whole day)."},
	MsgOverlappingHours:                {"Cette plage horaire chevauche la plage %v %v–%v.", "This range overlaps the range %v %v–%v."},
	MsgTooManyItems:                    {"Cette liste doit avoir au maximum %v éléments.", "This list should have %v items or less."},
	MsgNoServiceLevels:                 {"Cette organisation n'a pas défini de niveaux de service.", "This organization has set no service levels."},
	MsgInvalidServiceDuration:          {"Cette valeur doit être une durée de travail comme 8h, 2h30m ou PT8H, supérieure à zéro et d'au plus %v.", "This value should be a working time such as 8h, 2h30m or PT8H, more than zero and at most %v."},
	MsgNotExporter:                     {"Réservé aux administrateurs et aux membres ayant le rôle Export de l'organisation.", "Only the organization's administrators and members with the Export role may do this."},
	MsgExportNotReady:                  {"Cet export n'est pas encore prêt (état %v).", "This export is not ready yet (state %v)."},
	MsgExportFileGone:                  {"Le fichier de cet export n'est plus disponible : demandez un nouvel export.", "This export's file is no longer available: ask for a new export."},
	MsgNotAnalyst:                      {"Réservé aux administrateurs et aux membres ayant le rôle Analytics de l'organisation.", "Only the organization's administrators and members with the Analytics role may do this."},
	MsgChartNoCategory:                 {"Sans catégorie", "No category"},
	MsgChartNoPlace:                    {"Sans lieu", "No place"},
	MsgOpen311Repeated:                 {"Ce paramètre ne peut être donné qu'une fois.", "This parameter may be given once only."},
	MsgOpen311NoGeocoding:              {"lat et long sont obligatoires : ce service ne géocode pas les adresses.", "lat and long are required: this service does not geocode addresses."},
	MsgOpen311LocationRequired:         {"Le lieu est obligatoire : lat et long.", "The location is required: lat and long."},
	MsgOpen311AttributeName:            {"Un attribut se donne sous la forme attribute[code] ou attribute[code][].", "An attribute is given as attribute[code] or attribute[code][]."},
	MsgOpen311UnknownAttribute:         {"Ce service ne définit pas cet attribut.", "This service defines no such attribute."},
	MsgOpen311InvalidNumber:            {"Cette valeur doit être un nombre.", "This value should be a number."},
	MsgOpen311InvalidDate:              {"Cette valeur n'est pas une date W3C, par exemple 2010-05-24T00:00:00Z.", "This value is not a W3C date, for example 2010-05-24T00:00:00Z."},
	MsgOpen311StartAfterEnd:            {"start_date doit précéder end_date.", "start_date must not be after end_date."},
	MsgOpen311KeyMissing:               {"api_key est obligatoire.", "api_key was not provided."},
	MsgOpen311KeyInvalid:               {"api_key est invalide ou révoquée pour cette juridiction.", "api_key is invalid or revoked for this jurisdiction."},
	MsgOpen311JurisdictionMissing:      {"jurisdiction_id est obligatoire : ce serveur sert plusieurs juridictions.", "jurisdiction_id was not provided: this server serves several jurisdictions."},
	MsgOpen311JurisdictionUnknown:      {"jurisdiction_id inconnue : %v.", "jurisdiction_id was not found: %v."},
	MsgOpen311ServiceUnknown:           {"service_code inconnu : %v.", "service_code was not found: %v."},
	MsgOpen311RequestUnknown:           {"service_request_id inconnu : %v.", "service_request_id was not found: %v."},
	MsgOpen311TokenUnknown:             {"Jeton inconnu : %v.", "token was not found: %v."},
	MsgOpen311NotCreated:               {"La demande n'a pas été créée : %v", "The request was not created: %v"},
	MsgOpen311FormExpected:             {"Le corps doit être un formulaire application/x-www-form-urlencoded.", "The body must be an application/x-www-form-urlencoded form."},
	MsgOpen311BadForm:                  {"Le formulaire est mal formé.", "The form is malformed."},
	MsgOpen311GeneralService:           {"Signalement", "Report a problem"},
	MsgOpen311GeneralDescription:       {"Tout problème : il est envoyé à chaque organisation qui couvre le lieu.", "Any problem: it is sent to every organization covering the location."},
	MsgOpen311CategoryDescription:      {"%v, traité par %v.", "%v, dealt with by %v."},
	MsgOpen311Received:                 {"Reçu par %v.", "Received by %v."},
	MsgOpen311Accepted:                 {"Accepté par %v : une intervention est prévue.", "Accepted by %v: action is scheduled."},
	MsgOpen311OnHold:                   {"Mis en attente par %v.", "Put on hold by %v."},
	MsgOpen311InProgress:               {"En cours de traitement par %v.", "Being dealt with by %v."},
	MsgOpen311Closed:                   {"Traité et clôturé par %v.", "Dealt with and closed by %v."},
	MsgOpen311Refused:                  {"Refusé par %v : aucune suite ne sera donnée.", "Refused by %v: no further action."},
	MsgOpen311Notice:                   {"Votre demande a été transmise à : %v.", "Your request was sent to: %v."},
	MsgOpen311Pending:                  {"Votre demande est en cours de transmission : demandez son identifiant avec le jeton.", "Your request is being sent: ask for its id with the token."},
	MsgIdempotencyKeyInvalid:           {"Une clé d'idempotence a de 1 à %v caractères ASCII visibles, sans espace.", "An idempotency key has 1 to %v visible ASCII characters, without spaces."},
	MsgIdempotencyKeyReused:            {"Cette clé d'idempotence a déjà servi pour une autre requête : utilisez une nouvelle clé.", "This idempotency key was already used for another request: use a new key."},
	MsgIdempotencyKeyBusy:              {"Une requête avec cette clé d'idempotence est en cours : réessayez dans un instant.", "A request with this idempotency key is in progress: try again in a moment."},
}
