//! The e-mails the platform sends, in English, French and Spanish, each as
//! plain text and HTML. Everything taken from users is escaped in the HTML.
use html_escape::encode_text as escape;

use super::Mail;
use crate::domain::{ApplicationState, Locale, PartnerRole};

/// An invitation to work for `partner` with `role`, accepted at `link`.
pub fn invitation(
    locale: Locale,
    recipient: &str,
    partner: &str,
    role: PartnerRole,
    link: &str,
) -> Mail {
    let role = role_name(locale, role);
    let (subject, lead, action, note) = match locale {
        Locale::En => (
            format!("Invitation to join {partner} on the coalition platform"),
            format!("You are invited to join {partner} as {role}."),
            "Accept the invitation",
            "The link is valid for 7 days. If you did not expect this message, ignore it.",
        ),
        Locale::Fr => (
            format!("Invitation à rejoindre {partner} sur la plateforme de la coalition"),
            format!("Vous êtes invité·e à rejoindre {partner} en tant que {role}."),
            "Accepter l'invitation",
            "Le lien est valable 7 jours. Si vous n'attendiez pas ce message, ignorez-le.",
        ),
        Locale::Es => (
            format!("Invitación a unirse a {partner} en la plataforma de la coalición"),
            format!("Se le invita a unirse a {partner} como {role}."),
            "Aceptar la invitación",
            "El enlace es válido durante 7 días. Si no esperaba este mensaje, ignórelo.",
        ),
    };
    let text = format!("{lead}\n\n{action}: {link}\n\n{note}\n");
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><body><p>{lead}</p>\
         <p><a href=\"{href}\">{action}</a></p><p>{note}</p></body></html>",
        lang = locale.as_str().to_ascii_lowercase(),
        lead = escape(&lead),
        href = html_escape::encode_double_quoted_attribute(link),
        action = escape(action),
        note = escape(note),
    );
    Mail {
        recipient: recipient.to_owned(),
        locale,
        subject: one_line(&subject),
        text,
        html,
    }
}

/// What an applicant is told when their application changes state.
pub struct ApplicationNews<'a> {
    pub locale: Locale,
    pub recipient: &'a str,
    pub organisation: &'a str,
    pub coalition: &'a str,
    pub state: ApplicationState,
    /// Why (a request for more information, a rejection).
    pub reason: Option<&'a str>,
    /// Where to follow the application: with the access token in the first
    /// message, the application page otherwise.
    pub follow_link: &'a str,
    /// On approval of a new partner: where the contact becomes its administrator.
    pub invitation_link: Option<&'a str>,
}

pub fn application_news(news: ApplicationNews<'_>) -> Mail {
    use ApplicationState::*;
    let ApplicationNews {
        locale,
        organisation: org,
        coalition,
        ..
    } = news;
    let (subject, lead) = match (locale, news.state) {
        (Locale::En, Submitted) => (
            format!("{coalition}: we received the application of {org}"),
            format!("Thank you: the application of {org} to {coalition} was received. Keep this message: its link is the only way to follow, complete or withdraw the application."),
        ),
        (Locale::En, UnderReview) => (
            format!("{coalition}: the application of {org} is under review"),
            format!("The secretariat of {coalition} is reviewing the application of {org}."),
        ),
        (Locale::En, MoreInfoRequested) => (
            format!("{coalition}: more information is needed for the application of {org}"),
            format!("The secretariat of {coalition} asks for more information about the application of {org}. Please update it with the link of our first message."),
        ),
        (Locale::En, Approved) => (
            format!("{coalition}: {org} is now a partner"),
            format!("The application of {org} to {coalition} is approved. Welcome!"),
        ),
        (Locale::En, Rejected) => (
            format!("{coalition}: decision on the application of {org}"),
            format!("The application of {org} to {coalition} was not accepted."),
        ),
        (Locale::En, Withdrawn) => (
            format!("{coalition}: the application of {org} is withdrawn"),
            format!("The application of {org} to {coalition} is withdrawn; its link no longer works."),
        ),
        (Locale::Fr, Submitted) => (
            format!("{coalition} : nous avons reçu la candidature de {org}"),
            format!("Merci : la candidature de {org} à {coalition} a bien été reçue. Conservez ce message : son lien est le seul moyen de suivre, compléter ou retirer la candidature."),
        ),
        (Locale::Fr, UnderReview) => (
            format!("{coalition} : la candidature de {org} est à l'examen"),
            format!("Le secrétariat de {coalition} examine la candidature de {org}."),
        ),
        (Locale::Fr, MoreInfoRequested) => (
            format!("{coalition} : des informations complémentaires sont demandées pour la candidature de {org}"),
            format!("Le secrétariat de {coalition} demande des informations complémentaires sur la candidature de {org}. Veuillez la compléter avec le lien de notre premier message."),
        ),
        (Locale::Fr, Approved) => (
            format!("{coalition} : {org} est désormais partenaire"),
            format!("La candidature de {org} à {coalition} est acceptée. Bienvenue !"),
        ),
        (Locale::Fr, Rejected) => (
            format!("{coalition} : décision sur la candidature de {org}"),
            format!("La candidature de {org} à {coalition} n'a pas été retenue."),
        ),
        (Locale::Fr, Withdrawn) => (
            format!("{coalition} : la candidature de {org} est retirée"),
            format!("La candidature de {org} à {coalition} est retirée ; son lien ne fonctionne plus."),
        ),
        (Locale::Es, Submitted) => (
            format!("{coalition}: recibimos la candidatura de {org}"),
            format!("Gracias: la candidatura de {org} a {coalition} fue recibida. Conserve este mensaje: su enlace es la única manera de seguir, completar o retirar la candidatura."),
        ),
        (Locale::Es, UnderReview) => (
            format!("{coalition}: la candidatura de {org} está en examen"),
            format!("La secretaría de {coalition} examina la candidatura de {org}."),
        ),
        (Locale::Es, MoreInfoRequested) => (
            format!("{coalition}: se necesita más información sobre la candidatura de {org}"),
            format!("La secretaría de {coalition} pide más información sobre la candidatura de {org}. Complétela con el enlace de nuestro primer mensaje."),
        ),
        (Locale::Es, Approved) => (
            format!("{coalition}: {org} ya es socio"),
            format!("La candidatura de {org} a {coalition} fue aceptada. ¡Bienvenidos!"),
        ),
        (Locale::Es, Rejected) => (
            format!("{coalition}: decisión sobre la candidatura de {org}"),
            format!("La candidatura de {org} a {coalition} no fue aceptada."),
        ),
        (Locale::Es, Withdrawn) => (
            format!("{coalition}: la candidatura de {org} fue retirada"),
            format!("La candidatura de {org} a {coalition} fue retirada; su enlace ya no funciona."),
        ),
    };
    let (reason_label, follow_label, invitation_label) = match locale {
        Locale::En => (
            "Reason",
            "Your application",
            "Become the partner's administrator",
        ),
        Locale::Fr => (
            "Motif",
            "Votre candidature",
            "Devenir administrateur·rice du partenaire",
        ),
        Locale::Es => ("Motivo", "Su candidatura", "Ser administrador/a del socio"),
    };
    let mut text = format!("{lead}\n\n");
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><body><p>{}</p>",
        locale.as_str().to_ascii_lowercase(),
        escape(&lead)
    );
    if let Some(reason) = news.reason {
        text.push_str(&format!("{reason_label}: {reason}\n\n"));
        html.push_str(&format!(
            "<p><strong>{}</strong>: {}</p>",
            escape(reason_label),
            escape(reason)
        ));
    }
    if let Some(link) = news.invitation_link {
        text.push_str(&format!("{invitation_label}: {link}\n\n"));
        html.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>",
            html_escape::encode_double_quoted_attribute(link),
            escape(invitation_label)
        ));
    }
    text.push_str(&format!("{follow_label}: {}\n", news.follow_link));
    html.push_str(&format!(
        "<p><a href=\"{}\">{}</a></p></body></html>",
        html_escape::encode_double_quoted_attribute(news.follow_link),
        escape(follow_label)
    ));
    Mail {
        recipient: news.recipient.to_owned(),
        locale,
        subject: one_line(&subject),
        text,
        html,
    }
}

/// A subject is one line, whatever a name typed by a user holds.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn role_name(locale: Locale, role: PartnerRole) -> &'static str {
    match (locale, role) {
        (Locale::En, PartnerRole::Admin) => "administrator",
        (Locale::En, PartnerRole::FocalPoint) => "focal point",
        (Locale::En, PartnerRole::Member) => "member",
        (Locale::Fr, PartnerRole::Admin) => "administrateur·rice",
        (Locale::Fr, PartnerRole::FocalPoint) => "point focal",
        (Locale::Fr, PartnerRole::Member) => "membre",
        (Locale::Es, PartnerRole::Admin) => "administrador/a",
        (Locale::Es, PartnerRole::FocalPoint) => "punto focal",
        (Locale::Es, PartnerRole::Member) => "miembro",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_is_in_its_language_and_escapes_what_users_wrote() {
        let link = "https://coalition.example/invitations?token=inv_abc&x=1";
        let mail = invitation(
            Locale::Fr,
            "ana@example.org",
            "<b>OIT</b>",
            PartnerRole::FocalPoint,
            link,
        );
        assert!(mail.subject.starts_with("Invitation à rejoindre"));
        assert!(mail.text.contains("point focal"));
        assert!(mail.text.contains(link));
        assert!(
            mail.html.contains("&lt;b&gt;OIT&lt;/b&gt;"),
            "{}",
            mail.html
        );
        assert!(mail.html.contains("token=inv_abc&amp;x=1"), "{}", mail.html);
        for locale in Locale::ALL {
            let mail = invitation(locale, "a@b.org", "ILO", PartnerRole::Admin, link);
            assert!(mail.text.contains(link) && mail.html.contains("<a href="));
        }
    }

    #[test]
    fn application_news_escapes_the_reason_and_keeps_the_subject_on_one_line() {
        let mail = application_news(ApplicationNews {
            locale: Locale::Es,
            recipient: "ana@gob.example",
            organisation: "Ministerio\r\nBcc: x@evil.example",
            coalition: "Alianza 8.7",
            state: ApplicationState::Rejected,
            reason: Some("<script>alert(1)</script>"),
            follow_link: "https://c.example/applications",
            invitation_link: None,
        });
        assert!(!mail.subject.contains('\n') && !mail.subject.contains('\r'));
        assert!(mail.html.contains("&lt;script&gt;"), "{}", mail.html);
        assert!(mail.text.contains("Motivo: <script>"), "{}", mail.text);
    }
}
