//! Demo data drawn from the source documents in shared/seeds/ (ILO material, in French).
//!
//! - `000_…`, `001_…`: the Global Coalition for Social Justice (its first 100 partners, its
//!   six immediate areas of action, its secretariat at the International Labour Office).
//! - `002_…`: the ISSA at the 112th International Labour Conference and the Coalition's
//!   inaugural Forum (June 2024).
//! - `003_…`: Alliance 8.7 (target 8.7, strategic objectives, pathfinder countries, Global
//!   Coordinating Group with France and Argentina, ILO secretariat, knowledge platform).
//! - `004_…`: the ILO–IOM cooperation agreement and its joint work plan.
//!
//! The documents name only a few organisations. The other partners are real organisations
//! tied to these initiatives by public ILO and Alliance 8.7 material (the Coalition's
//! inaugural Forum, the Alliance's action-group meetings and pathfinder workshops). The
//! names of the Alliance 8.7 action groups are real; where no public source names a group's
//! chair, its `lead` is illustrative. Memberships are demo data, not an official roster.
use crate::domain::PartnerKind;

pub struct DemoPartner {
    /// Official English name where well known, else as in the sources.
    pub name: &'static str,
    pub acronym: Option<&'static str>,
    pub kind: PartnerKind,
    /// ISO 3166-1 alpha-2, upper-case, for governments and national bodies.
    pub country: Option<&'static str>,
    pub region: Option<&'static str>,
    pub website: Option<&'static str>,
    pub description: &'static str,
}

pub struct DemoThematicArea {
    pub name: &'static str,
    pub description: &'static str,
}

pub struct DemoCoalition {
    pub name: &'static str,
    pub slug: &'static str,
    pub description: &'static str,
    pub sdg_targets: &'static [&'static str],
    pub thematic_areas: &'static [DemoThematicArea],
    /// Each is a partner's acronym if it has one, else its name.
    pub partner_acronyms_or_names: &'static [&'static str],
}

pub struct DemoActionGroup {
    pub coalition_slug: &'static str,
    /// The name of one of that coalition's thematic areas.
    pub thematic_area: Option<&'static str>,
    pub name: &'static str,
    pub description: &'static str,
    /// A partner's acronym if it has one, else its name.
    pub lead: &'static str,
    pub members: &'static [&'static str],
}

const AFRICA: Option<&str> = Some("Africa");
const AMERICAS: Option<&str> = Some("Americas");
const ASIA_PACIFIC: Option<&str> = Some("Asia and the Pacific");
const EUROPE: Option<&str> = Some("Europe and Central Asia");

pub static PARTNERS: &[DemoPartner] = &[
    // International organisations
    DemoPartner {
        name: "International Labour Organization",
        acronym: Some("ILO"),
        kind: PartnerKind::InternationalOrganization,
        country: None,
        region: None,
        website: Some("https://www.ilo.org"),
        description: "UN agency for the world of work, with a tripartite structure of \
                      governments, employers and workers. The International Labour Office in \
                      Geneva hosts the secretariat of the Global Coalition for Social Justice \
                      and acts as secretariat of Alliance 8.7.",
    },
    DemoPartner {
        name: "International Organization for Migration",
        acronym: Some("IOM"),
        kind: PartnerKind::InternationalOrganization,
        country: None,
        region: None,
        website: Some("https://www.iom.int"),
        description: "UN migration agency. On 23 October 2020 it signed with the ILO a framework \
                      of cooperation on migration governance, capacity building and policy \
                      coherence at national, regional and global level.",
    },
    DemoPartner {
        name: "International Social Security Association",
        acronym: Some("ISSA"),
        kind: PartnerKind::InternationalOrganization,
        country: None,
        region: None,
        website: Some("https://www.issa.int"),
        description: "Association of social security institutions that has worked alongside the \
                      ILO since 1927. It formally joined the Global Coalition for Social Justice \
                      in February 2024 and calls for closing gaps in social security coverage.",
    },
    DemoPartner {
        name: "United Nations Children's Fund",
        acronym: Some("UNICEF"),
        kind: PartnerKind::InternationalOrganization,
        country: None,
        region: None,
        website: Some("https://www.unicef.org"),
        description: "UN agency for children. It takes part in Alliance 8.7 work on child labour \
                      and trafficking, including Nepal's pathfinder country workshop in 2019.",
    },
    DemoPartner {
        name: "United Nations Office on Drugs and Crime",
        acronym: Some("UNODC"),
        kind: PartnerKind::InternationalOrganization,
        country: None,
        region: None,
        website: Some("https://www.unodc.org"),
        description: "UN office that supports states in applying the UN Convention against \
                      Transnational Organized Crime and its protocol on trafficking in persons, \
                      one of the forms of exploitation covered by target 8.7.",
    },
    // Employers' organisations
    DemoPartner {
        name: "International Organisation of Employers",
        acronym: Some("IOE"),
        kind: PartnerKind::EmployersOrganization,
        country: None,
        region: None,
        website: Some("https://www.ioe-emp.org"),
        description: "Global voice of employers' organisations and the employers' group in the \
                      ILO's tripartite structure, where employers sit on an equal footing with \
                      governments and workers.",
    },
    DemoPartner {
        name: "Confédération Générale des Entreprises de Côte d'Ivoire",
        acronym: Some("CGECI"),
        kind: PartnerKind::EmployersOrganization,
        country: Some("CI"),
        region: AFRICA,
        website: None,
        description: "Main employers' organisation of Côte d'Ivoire. It represented employers at \
                      the Alliance 8.7 Supply Chains Action Group's global workshop in Abidjan \
                      in May 2019.",
    },
    // Workers' organisations
    DemoPartner {
        name: "International Trade Union Confederation",
        acronym: Some("ITUC"),
        kind: PartnerKind::WorkersOrganization,
        country: None,
        region: None,
        website: Some("https://www.ituc-csi.org"),
        description: "Global confederation of trade unions and the workers' voice in the ILO's \
                      tripartite structure, where unions sit on an equal footing with \
                      governments and employers.",
    },
    DemoPartner {
        name: "IndustriALL Global Union",
        acronym: None,
        kind: PartnerKind::WorkersOrganization,
        country: None,
        region: None,
        website: Some("https://www.industriall-union.org"),
        description: "Global union federation of workers in mining, energy and manufacturing. \
                      It joined the Global Coalition for Social Justice on 20 February 2024, \
                      World Day of Social Justice.",
    },
    // Governments
    DemoPartner {
        name: "Government of France",
        acronym: None,
        kind: PartnerKind::Government,
        country: Some("FR"),
        region: EUROPE,
        website: None,
        description: "Named on the Alliance 8.7 page under the Global Coordinating Group, which \
                      France chaired until May 2023.",
    },
    DemoPartner {
        name: "Government of Argentina",
        acronym: None,
        kind: PartnerKind::Government,
        country: Some("AR"),
        region: AMERICAS,
        website: None,
        description: "Named on the Alliance 8.7 page under the Global Coordinating Group, of \
                      which it was vice-chair. Buenos Aires hosted the November 2017 conference \
                      that adopted the Buenos Aires Declaration on child labour, forced labour \
                      and youth employment.",
    },
    DemoPartner {
        name: "Government of Brazil",
        acronym: None,
        kind: PartnerKind::Government,
        country: Some("BR"),
        region: AMERICAS,
        website: None,
        description: "Co-chair of the Coordinating Group of the Global Coalition for Social \
                      Justice; President Lula gave the keynote address at the Coalition's \
                      inaugural Forum in June 2024.",
    },
    DemoPartner {
        name: "Government of Nepal",
        acronym: None,
        kind: PartnerKind::Government,
        country: Some("NP"),
        region: ASIA_PACIFIC,
        website: None,
        description: "Alliance 8.7 pathfinder country: its Ministry of Labour, Employment and \
                      Social Security held a pathfinder strategic workshop in February 2019. \
                      Its President spoke at the Coalition's inaugural Forum in June 2024.",
    },
    DemoPartner {
        name: "Government of Bangladesh",
        acronym: None,
        kind: PartnerKind::Government,
        country: Some("BD"),
        region: ASIA_PACIFIC,
        website: None,
        description: "Joined the Global Coalition for Social Justice at its inaugural Forum in \
                      Geneva on 13 June 2024, during the International Labour Conference.",
    },
    DemoPartner {
        name: "Government of the Philippines",
        acronym: None,
        kind: PartnerKind::Government,
        country: Some("PH"),
        region: ASIA_PACIFIC,
        website: None,
        description: "Among the first 100 partners of the Global Coalition for Social Justice \
                      (January 2024), alongside 18 other governments.",
    },
    DemoPartner {
        name: "Government of Germany",
        acronym: None,
        kind: PartnerKind::Government,
        country: Some("DE"),
        region: EUROPE,
        website: None,
        description: "Its Federal Ministry of Labour and Social Affairs organised with the ILO \
                      the first meeting of the Alliance 8.7 Supply Chains Action Group (Berlin, \
                      June 2017). Partner of the Global Coalition for Social Justice.",
    },
    DemoPartner {
        name: "Government of Côte d'Ivoire",
        acronym: None,
        kind: PartnerKind::Government,
        country: Some("CI"),
        region: AFRICA,
        website: None,
        description: "Hosted the second global meeting of the Alliance 8.7 Supply Chains Action \
                      Group in Abidjan in May 2019, which adopted the group's 2020-2021 work \
                      plan.",
    },
    // Financial institutions
    DemoPartner {
        name: "Council of Europe Development Bank",
        acronym: Some("CEB"),
        kind: PartnerKind::FinancialInstitution,
        country: None,
        region: EUROPE,
        website: Some("https://coebank.org"),
        description: "Multilateral development bank with a social mandate. With AFD it co-leads \
                      the Finance in Common Coalition for Social Investment, which met the ILO \
                      Director-General in 2023 on financing social justice and just \
                      transitions.",
    },
    DemoPartner {
        name: "Agence française de développement",
        acronym: Some("AFD"),
        kind: PartnerKind::FinancialInstitution,
        country: Some("FR"),
        region: EUROPE,
        website: Some("https://www.afd.fr"),
        description: "French public development bank. With the CEB it co-leads the Finance in \
                      Common Coalition for Social Investment of public development banks.",
    },
    // Regional organisations
    DemoPartner {
        name: "African Union Commission",
        acronym: Some("AUC"),
        kind: PartnerKind::RegionalOrganization,
        country: None,
        region: AFRICA,
        website: Some("https://au.int"),
        description: "Secretariat of the African Union, whose ten-year action plan (2020-2030) \
                      on eradicating child labour, forced labour, human trafficking and modern \
                      slavery in Africa echoes target 8.7.",
    },
    DemoPartner {
        name: "South Asia Initiative to End Violence Against Children",
        acronym: Some("SAIEVAC"),
        kind: PartnerKind::RegionalOrganization,
        country: None,
        region: ASIA_PACIFIC,
        website: None,
        description: "Intergovernmental body of South Asian states on ending violence against \
                      children. It took part in Nepal's Alliance 8.7 pathfinder workshop in \
                      2019.",
    },
    // Non-governmental organisations
    DemoPartner {
        name: "International Justice Mission",
        acronym: Some("IJM"),
        kind: PartnerKind::Ngo,
        country: None,
        region: None,
        website: Some("https://www.ijm.org"),
        description: "International NGO working against slavery and trafficking. It presented \
                      its work at the Alliance 8.7 Supply Chains Action Group's 2019 workshop \
                      in Abidjan.",
    },
    DemoPartner {
        name: "World Vision International",
        acronym: Some("WVI"),
        kind: PartnerKind::Ngo,
        country: None,
        region: None,
        website: Some("https://www.wvi.org"),
        description: "International humanitarian and development NGO focused on children. It \
                      took part in Nepal's Alliance 8.7 pathfinder workshop in 2019.",
    },
    DemoPartner {
        name: "Terre des Hommes International Federation",
        acronym: Some("TDHIF"),
        kind: PartnerKind::Ngo,
        country: None,
        region: None,
        website: Some("https://www.terredeshommes.org"),
        description: "Network of child-rights NGOs. Terre des Hommes took part in Nepal's \
                      Alliance 8.7 pathfinder workshop in 2019.",
    },
    DemoPartner {
        name: "Intercontinental Network for the Promotion of Social Solidarity Economy",
        acronym: Some("RIPESS"),
        kind: PartnerKind::Ngo,
        country: None,
        region: None,
        website: Some("https://www.ripess.org"),
        description: "Intercontinental network of social and solidarity economy networks. It \
                      is a partner of the Global Coalition for Social Justice, for which it \
                      issued a statement on policy coherence.",
    },
    // Academic institutions
    DemoPartner {
        name: "Geneva Graduate Institute",
        acronym: Some("IHEID"),
        kind: PartnerKind::AcademicInstitution,
        country: Some("CH"),
        region: EUROPE,
        website: Some("https://www.graduateinstitute.ch"),
        description: "Graduate school of international relations and development studies in \
                      Geneva and an academic partner of the Global Coalition for Social Justice.",
    },
    DemoPartner {
        name: "United Nations University Centre for Policy Research",
        acronym: Some("UNU-CPR"),
        kind: PartnerKind::AcademicInstitution,
        country: None,
        region: None,
        website: Some("https://cpr.unu.edu"),
        description: "Policy research centre of the United Nations University. It developed \
                      Delta 8.7, the Alliance 8.7 knowledge platform, and hosted a workshop of \
                      the Conflict and Humanitarian Settings Action Group.",
    },
    // Enterprise
    DemoPartner {
        name: "Cargill",
        acronym: None,
        kind: PartnerKind::Enterprise,
        country: Some("US"),
        region: AMERICAS,
        website: Some("https://www.cargill.com"),
        description: "Agribusiness company whose cocoa sustainability director wrote on \
                      target 8.7 when Alliance 8.7 was launched in 2016; its cocoa programme \
                      runs a child labour monitoring and remediation system.",
    },
    // Civil society
    DemoPartner {
        name: "National Child Protection Alliance",
        acronym: Some("NCPA"),
        kind: PartnerKind::CivilSociety,
        country: Some("NP"),
        region: ASIA_PACIFIC,
        website: Some("https://ncpanepal.org.np"),
        description: "Nepali network of NGOs working on child protection. In May 2024 it \
                      co-organised a citizen review of Nepal's progress on Alliance 8.7.",
    },
    // Other
    DemoPartner {
        name: "United Nations Global Compact",
        acronym: Some("UNGC"),
        kind: PartnerKind::Other,
        country: None,
        region: None,
        website: Some("https://unglobalcompact.org"),
        description: "UN initiative for responsible business. It took part in the 2017 Berlin \
                      workshop of the Alliance 8.7 Supply Chains Action Group.",
    },
    DemoPartner {
        name: "Ethical Trading Initiative",
        acronym: Some("ETI"),
        kind: PartnerKind::Other,
        country: Some("GB"),
        region: EUROPE,
        website: Some("https://www.ethicaltrade.org"),
        description: "Alliance of companies, trade unions and NGOs for workers' rights in global \
                      supply chains. It spoke on modern slavery at the 2019 Supply Chains \
                      Action Group workshop.",
    },
    DemoPartner {
        name: "amfori",
        acronym: None,
        kind: PartnerKind::Other,
        country: None,
        region: None,
        website: Some("https://www.amfori.org"),
        description: "Business association for open and sustainable trade (formerly the Foreign \
                      Trade Association), which runs the BSCI. It took part in the 2017 Berlin \
                      workshop of the Supply Chains Action Group.",
    },
];

const GCSJ: &str = "global-coalition-social-justice";
const ALLIANCE_8_7: &str = "alliance-8-7";
const ILO_IOM: &str = "ilo-iom-migration-cooperation";

pub static COALITIONS: &[DemoCoalition] = &[
    DemoCoalition {
        name: "Global Coalition for Social Justice",
        slug: GCSJ,
        description: "Voluntary platform, established by the ILO Governing Body in November \
                      2023, that brings together governments, employers' and workers' \
                      organisations, international and regional organisations, financial \
                      institutions, enterprises, NGOs and academia to address social justice \
                      deficits and accelerate the 2030 Agenda, the SDGs and the Decent Work \
                      Agenda. It reached 100 partners in January 2024 and held its inaugural \
                      Forum on 13 June 2024; its secretariat is at the International Labour \
                      Office in Geneva.",
        // The documents cite the SDGs without naming targets; these follow the six areas.
        sdg_targets: &["1.3", "8.5", "8.8", "10.4"],
        thematic_areas: &[
            DemoThematicArea {
                name: "Inequality, discrimination and exclusion",
                description: "Tackling inequalities, discrimination and exclusion, including \
                              gender, wage and opportunity gaps.",
            },
            DemoThematicArea {
                name: "Rights at work and basic needs",
                description: "Realising rights at work as human rights, ensuring respect for \
                              human dignity and meeting basic needs.",
            },
            DemoThematicArea {
                name: "Productive employment and sustainable enterprises",
                description: "Promoting productive and freely chosen employment and \
                              sustainable enterprises by widening access and capabilities.",
            },
            DemoThematicArea {
                name: "Protection and resilience",
                description: "Ensuring protection and strengthening resilience.",
            },
            DemoThematicArea {
                name: "Just transitions",
                description: "Supporting just transitions and strengthening the social \
                              dimension of sustainable development, trade and investment.",
            },
            DemoThematicArea {
                name: "Institutions of social dialogue",
                description: "Strengthening the institutions responsible for social dialogue.",
            },
        ],
        partner_acronyms_or_names: &[
            "ILO",
            "ISSA",
            "IOE",
            "ITUC",
            "IndustriALL Global Union",
            "Government of Brazil",
            "Government of Nepal",
            "Government of Bangladesh",
            "Government of the Philippines",
            "Government of Germany",
            "CEB",
            "AFD",
            "AUC",
            "RIPESS",
            "IHEID",
        ],
    },
    DemoCoalition {
        name: "Alliance 8.7",
        slug: ALLIANCE_8_7,
        description: "Global partnership committed to achieving SDG target 8.7 by 2030: ending \
                      forced labour, modern slavery, human trafficking and child labour. Its \
                      strategic objectives are to accelerate action, conduct research and share \
                      knowledge, and drive innovation and leverage resources. It counts 226 \
                      partners and 21 pathfinder countries, with a Global Coordinating Group, \
                      a secretariat held by the ILO, action groups and a knowledge platform.",
        sdg_targets: &["8.7"],
        thematic_areas: &[
            DemoThematicArea {
                name: "Supply chains",
                description: "Eradicating forced labour and child labour in global supply \
                              chains.",
            },
            DemoThematicArea {
                name: "Migration",
                description: "Safe, orderly and regular migration as protection against \
                              trafficking, forced labour and child labour.",
            },
            DemoThematicArea {
                name: "Rule of law and governance",
                description: "Laws, national action plans, policies and ratification of \
                              international standards, as pathfinder countries commit to.",
            },
            DemoThematicArea {
                name: "Conflict and humanitarian settings",
                description: "Forced labour, trafficking and child labour in armed conflict \
                              and humanitarian crises.",
            },
            DemoThematicArea {
                name: "Research and knowledge sharing",
                description: "Data, evidence and research gathered by the knowledge platform \
                              and translated into effective policies.",
            },
        ],
        partner_acronyms_or_names: &[
            "ILO",
            "IOM",
            "UNICEF",
            "UNODC",
            "IOE",
            "ITUC",
            "CGECI",
            "Government of France",
            "Government of Argentina",
            "Government of Nepal",
            "Government of Germany",
            "Government of Côte d'Ivoire",
            "AUC",
            "SAIEVAC",
            "IJM",
            "WVI",
            "TDHIF",
            "UNU-CPR",
            "Cargill",
            "NCPA",
            "UNGC",
            "ETI",
            "amfori",
        ],
    },
    DemoCoalition {
        name: "ILO–IOM Cooperation on Migration",
        slug: ILO_IOM,
        description: "Cooperation framework signed by the ILO and the IOM in Geneva on 23 \
                      October 2020 to make migration work better for all: joint support for \
                      migration governance, capacity building and policy coherence at \
                      national, regional and global level, and for the Global Compact for \
                      Safe, Orderly and Regular Migration. Social dialogue lets employers' \
                      organisations and unions contribute.",
        sdg_targets: &["8.8", "10.7"],
        thematic_areas: &[
            DemoThematicArea {
                name: "Migration governance",
                description: "Strengthening the governance of international migration.",
            },
            DemoThematicArea {
                name: "Capacity building",
                description: "Building the capacities of governments and constituents at \
                              national, regional and global level.",
            },
            DemoThematicArea {
                name: "Policy coherence",
                description: "Coherent migration policies, including within UN country \
                              teams and global and regional migration forums.",
            },
            DemoThematicArea {
                name: "Migrants' rights and decent work",
                description: "Joint awareness-raising to promote migrants' rights and decent \
                              work opportunities.",
            },
        ],
        partner_acronyms_or_names: &["ILO", "IOM", "IOE", "ITUC"],
    },
];

pub static ACTION_GROUPS: &[DemoActionGroup] = &[
    DemoActionGroup {
        coalition_slug: GCSJ,
        thematic_area: Some("Protection and resilience"),
        name: "Closing social security coverage gaps",
        description: "Brings social security institutions into the Coalition's work on \
                      resilient societies, to close the gaps in social coverage that still \
                      leave too many workers unprotected.",
        lead: "ISSA",
        members: &[
            "ILO",
            "ITUC",
            "IOE",
            "Government of the Philippines",
            "Government of Nepal",
        ],
    },
    DemoActionGroup {
        coalition_slug: GCSJ,
        thematic_area: Some("Institutions of social dialogue"),
        name: "Social dialogue for shared prosperity",
        description: "Draws on the ILO's tripartite structure to strengthen social dialogue \
                      and the coherence of economic and social policies, themes of the \
                      Coalition's inaugural Forum.",
        lead: "ILO",
        members: &[
            "IOE",
            "ITUC",
            "IndustriALL Global Union",
            "Government of Brazil",
            "Government of Bangladesh",
        ],
    },
    DemoActionGroup {
        coalition_slug: GCSJ,
        thematic_area: None,
        name: "State of social justice report and good practices platform",
        description: "Produces analytical and statistical research, including a report on the \
                      state of social justice in the world, and a web platform of good \
                      practices.",
        lead: "ILO",
        members: &["IHEID", "RIPESS", "CEB", "AFD", "AUC"],
    },
    DemoActionGroup {
        coalition_slug: ALLIANCE_8_7,
        thematic_area: Some("Supply chains"),
        name: "Supply Chains Action Group",
        description: "Launched in February 2017; met in Berlin (June 2017) and Abidjan (May \
                      2019), where it adopted a 2020-2021 work plan on advocacy, partnerships, \
                      capacity building and practical tools, with attention to mining, fishing \
                      and garments.",
        lead: "ILO",
        members: &[
            "Government of Germany",
            "Government of Côte d'Ivoire",
            "CGECI",
            "IOE",
            "ITUC",
            "UNGC",
            "amfori",
            "ETI",
            "IJM",
            "Cargill",
        ],
    },
    DemoActionGroup {
        coalition_slug: ALLIANCE_8_7,
        thematic_area: Some("Migration"),
        name: "Migration Action Group",
        description: "Promotes safe, orderly and regular migration pathways to combat human \
                      trafficking, forced labour, child labour and modern slavery, through \
                      workstreams on research, resource mobilisation, policy and tools.",
        lead: "IOM",
        members: &["ILO", "UNICEF", "UNODC", "ITUC", "TDHIF"],
    },
    DemoActionGroup {
        coalition_slug: ALLIANCE_8_7,
        thematic_area: Some("Rule of law and governance"),
        name: "Rule of Law and Governance Action Group",
        description: "Supports pathfinder countries in adopting laws, national action plans \
                      and policies on child labour, forced labour, modern slavery and \
                      trafficking, and in ratifying and applying international standards.",
        lead: "UNODC",
        members: &[
            "ILO",
            "Government of France",
            "Government of Argentina",
            "Government of Nepal",
            "AUC",
            "SAIEVAC",
            "NCPA",
        ],
    },
    DemoActionGroup {
        coalition_slug: ALLIANCE_8_7,
        thematic_area: Some("Conflict and humanitarian settings"),
        name: "Conflict and Humanitarian Settings Action Group",
        description: "UN entities, member states and civil society acting on trafficking and \
                      forced labour in armed conflict: procurement, protection, training, \
                      reporting and UN coordination, as set out in Security Council resolution \
                      2331.",
        lead: "UNU-CPR",
        members: &["ILO", "IOM", "UNICEF", "UNODC", "WVI"],
    },
    DemoActionGroup {
        coalition_slug: ILO_IOM,
        thematic_area: Some("Migration governance"),
        name: "ILO–IOM joint work plan",
        description: "Prepares the joint work plan foreseen by the agreement within six months, \
                      to advance collaboration at global, regional and national level and its \
                      implementation in the field, where both agencies work with the people \
                      concerned.",
        lead: "ILO",
        members: &["IOM", "IOE", "ITUC"],
    },
];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::domain::{
        Acronym, CoalitionName, CountryCode, Description, PartnerName, Region, SdgTarget, Slug,
        Website,
    };

    const REGIONS: &[&str] = &[
        "Africa",
        "Americas",
        "Asia and the Pacific",
        "Europe and Central Asia",
        "Arab States",
    ];

    /// How coalitions and groups refer to a partner.
    fn key(partner: &DemoPartner) -> &'static str {
        partner.acronym.unwrap_or(partner.name)
    }

    fn assert_resolves(reference: &str, context: &str) {
        assert!(
            PARTNERS.iter().any(|p| key(p) == reference),
            "{context}: {reference:?} matches no partner's acronym or name"
        );
    }

    fn assert_distinct(values: &[&str], context: &str) {
        let mut seen = HashSet::new();
        for value in values {
            assert!(seen.insert(*value), "{context}: {value:?} appears twice");
        }
    }

    #[test]
    fn partner_names_acronyms_and_keys_are_unique() {
        let names: Vec<&str> = PARTNERS.iter().map(|p| p.name).collect();
        assert_distinct(&names, "partner names");
        let acronyms: Vec<&str> = PARTNERS.iter().filter_map(|p| p.acronym).collect();
        assert_distinct(&acronyms, "partner acronyms");
        let keys: Vec<&str> = PARTNERS.iter().map(key).collect();
        assert_distinct(&keys, "partner keys");
    }

    #[test]
    fn partner_fields_are_valid() {
        for p in PARTNERS {
            assert!(PartnerName::parse("name", p.name).is_ok(), "{}", p.name);
            assert!(
                !p.description.trim().is_empty(),
                "{} has no description",
                p.name
            );
            assert!(
                Description::parse("description", p.description).is_ok(),
                "{}",
                p.name
            );
            if let Some(acronym) = p.acronym {
                assert!(Acronym::parse("acronym", acronym).is_ok(), "{acronym}");
            }
            if let Some(country) = p.country {
                assert!(
                    country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()),
                    "{}: country {country:?} is not two upper-case ASCII letters",
                    p.name
                );
                assert!(CountryCode::parse("country", country).is_ok(), "{country}");
            }
            if matches!(p.kind, PartnerKind::Government) {
                assert!(
                    p.country.is_some(),
                    "{}: a government needs a country",
                    p.name
                );
            }
            if let Some(region) = p.region {
                assert!(
                    REGIONS.contains(&region),
                    "{}: unknown region {region:?}",
                    p.name
                );
                assert!(Region::parse("region", region).is_ok());
            }
            if let Some(website) = p.website {
                assert!(Website::parse("website", website).is_ok(), "{website}");
            }
        }
    }

    #[test]
    fn partners_span_every_kind() {
        let kinds = [
            PartnerKind::Government,
            PartnerKind::EmployersOrganization,
            PartnerKind::WorkersOrganization,
            PartnerKind::InternationalOrganization,
            PartnerKind::FinancialInstitution,
            PartnerKind::RegionalOrganization,
            PartnerKind::Ngo,
            PartnerKind::Enterprise,
            PartnerKind::AcademicInstitution,
            PartnerKind::CivilSociety,
            PartnerKind::Other,
        ];
        for kind in kinds {
            assert!(
                PARTNERS.iter().any(|p| p.kind == kind),
                "no partner of kind {kind:?}"
            );
        }
        assert!(
            (25..=40).contains(&PARTNERS.len()),
            "{} partners",
            PARTNERS.len()
        );
    }

    #[test]
    fn coalitions_are_valid_and_their_partners_resolve() {
        let slugs: Vec<&str> = COALITIONS.iter().map(|c| c.slug).collect();
        assert_distinct(&slugs, "coalition slugs");
        let names: Vec<&str> = COALITIONS.iter().map(|c| c.name).collect();
        assert_distinct(&names, "coalition names");
        for c in COALITIONS {
            assert!(CoalitionName::parse("name", c.name).is_ok(), "{}", c.name);
            assert!(Slug::parse("slug", c.slug).is_ok(), "{}", c.slug);
            assert!(Description::parse("description", c.description).is_ok());
            for target in c.sdg_targets {
                assert!(SdgTarget::parse("sdgTargets", target).is_ok(), "{target}");
            }
            let areas: Vec<&str> = c.thematic_areas.iter().map(|a| a.name).collect();
            assert_distinct(&areas, c.slug);
            assert_distinct(c.partner_acronyms_or_names, c.slug);
            for reference in c.partner_acronyms_or_names {
                assert_resolves(reference, c.slug);
            }
        }
    }

    #[test]
    fn every_partner_belongs_to_a_coalition() {
        for p in PARTNERS {
            assert!(
                COALITIONS
                    .iter()
                    .any(|c| c.partner_acronyms_or_names.contains(&key(p))),
                "{} is in no coalition",
                p.name
            );
        }
    }

    #[test]
    fn the_documented_coalitions_are_present() {
        let gcsj = COALITIONS.iter().find(|c| c.slug == GCSJ).expect("GCSJ");
        assert_eq!(gcsj.thematic_areas.len(), 6);
        let alliance = COALITIONS
            .iter()
            .find(|c| c.slug == ALLIANCE_8_7)
            .expect("8.7");
        assert_eq!(alliance.sdg_targets, &["8.7"]);
    }

    #[test]
    fn action_groups_resolve_within_their_coalition() {
        let names: Vec<&str> = ACTION_GROUPS.iter().map(|g| g.name).collect();
        assert_distinct(&names, "action group names");
        assert!((4..=8).contains(&ACTION_GROUPS.len()));
        for g in ACTION_GROUPS {
            let coalition = COALITIONS
                .iter()
                .find(|c| c.slug == g.coalition_slug)
                .unwrap_or_else(|| panic!("{}: unknown coalition {}", g.name, g.coalition_slug));
            if let Some(area) = g.thematic_area {
                assert!(
                    coalition.thematic_areas.iter().any(|a| a.name == area),
                    "{}: {area:?} is not a thematic area of {}",
                    g.name,
                    coalition.slug
                );
            }
            assert!(Description::parse("description", g.description).is_ok());
            assert_distinct(g.members, g.name);
            assert!(
                !g.members.contains(&g.lead),
                "{}: lead listed as member",
                g.name
            );
            for reference in std::iter::once(&g.lead).chain(g.members) {
                assert_resolves(reference, g.name);
                assert!(
                    coalition.partner_acronyms_or_names.contains(reference),
                    "{}: {reference:?} is not a partner of {}",
                    g.name,
                    coalition.slug
                );
            }
        }
    }
}
