// Package domain holds the rules of profil: entities, validators, the request state machine,
// the référent hand-over, the profile catalogue and who may do what. It imports nothing of
// the project but its own phone tables (phonedata), so that every rule is a pure function,
// tested on its own with tables, and called once by the service layer inside its transaction:
//
//   - who may do what: one table, Policy, asked through Authorize by every use case; who sees
//     and who decides a request, MaySee and MayDecide (the store's filter of the requests one
//     may decide is written from ReferentDecides, and a conformance test holds both engines to
//     the rule);
//   - the request state machine: RequestStatus.CanBecome, Request.Decide (approve, reject,
//     once), Request.Verified (an e-mail confirmed);
//   - the référent hand-over: ReferentChange.Next, for a person joining, a member named
//     (referent set) and a member leaving (user detach);
//   - the profile catalogue: CheckGrant, CheckGrants, CheckRevoke;
//   - validators and normalisers of what people type: SIRET, APE, e-mail, phone, postal code,
//     names (PersonFields), control characters (CheckText).
//
// What goes wrong is said as a Message: the key of a message of the catalogue (package i18n)
// and its arguments, which may be Messages themselves (a label, a "who may" phrase) or times.
// Errors carry one (Errorf, Invalid, FieldError) with the sentinel that decides the exit code;
// they are put in words by whoever shows them, in the reader's language:
// i18n.RenderError(lang, err) on the command line (the process's language) and in a server (a
// request's). Error() itself renders in the language of the process, through the renderer
// package i18n registers when the program starts (SetRenderer): logs and errors wrapped with
// %w stay readable, and a program that never links the catalogue reads keys and arguments.
// Labels (RequestKind.Label, RequestStatus.Label, Request.Waited, WipedBody) are Messages too.
package domain
