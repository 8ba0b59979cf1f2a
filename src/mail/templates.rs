//! The e-mails the platform sends, in English, French and Spanish, each as
//! plain text and HTML. Everything taken from users is escaped in the HTML.
use html_escape::encode_text as escape;

use super::Mail;
use crate::domain::{Locale, PartnerRole};

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
        subject,
        text,
        html,
    }
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
}
