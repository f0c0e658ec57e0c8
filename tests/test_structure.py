"""How a guide's layout becomes headings and quotable units (small texts, no model)."""
from careerbot.structure import analyse

CARD = """Complete Example Manager Career Guide
Key Facts & Statistics
Median Salary
$104,830 USD
(BLS, May 2023)
Range: $60k - $160k+ USD
Growth Outlook
28%
much faster than average (BLS, 2022-2032)
Typical Education
Bachelor's degree in Health Administration. Relevant certifications like CMPE are highly valued.
Salary by Experience Level
Level | US Median | US Average |
---|---|---|
Assistant Example Manager | $60k USD | $65k USD |
Key Responsibilities
- Oversee daily operations, e.g. scheduling. Keep records.
  • Manage staff.
Can Example Managers work remotely?
Roles are predominantly on-site.The rest is glued.
"""


def units_by_text():
    sections, units = analyse(CARD)
    return sections, {u.text: u for u in units}


def test_every_unit_is_an_exact_span_of_the_text():
    _, units = analyse(CARD)
    assert units
    for u in units:
        assert CARD[u.start:u.end] == u.text


def test_label_value_lines_stay_together_as_one_fact():
    _, units = units_by_text()
    card = "Median Salary\n$104,830 USD\n(BLS, May 2023)\nRange: $60k - $160k+ USD"
    assert units[card].kind == "fact"
    assert units[card].section == "Key Facts & Statistics"
    assert units["Growth Outlook\n28%\nmuch faster than average (BLS, 2022-2032)"].kind == "fact"


def test_short_lines_above_text_become_sections():
    _, units = units_by_text()
    assert units["Bachelor's degree in Health Administration."].section == "Typical Education"
    assert units["Roles are predominantly on-site."].section == "Can Example Managers work remotely?"


def test_table_rows_are_units_with_their_header_as_context():
    _, units = units_by_text()
    row = units["Assistant Example Manager | $60k USD | $65k USD |"]
    assert row.kind == "row" and row.context == "Level | US Median | US Average |"
    assert "Level | US Median | US Average |" not in units


def test_list_items_and_sentences_are_split_sensibly():
    _, units = units_by_text()
    assert units["Oversee daily operations, e.g. scheduling. Keep records."].kind == "item"
    assert units["Manage staff."].kind == "item"
    assert "The rest is glued." in units  # a scraped page's glued sentences are split


TIERS = """Career Path
Senior Example Manager
7-10 yearsLeads a team of managers. Sets budgets.
Emerging Specializations
The most significant growth and innovation in the field will occur in these new niches, says the guide.
Telehealth Operations Manager
Healthcare Data Compliance & Analytics Manager
Digital Patient Experience Coordinator
AI Integration & Automation Specialist
Job Application Toolkit
Ace your application with our purpose-built resources, from resumes and cover letters to interviews.
A Day in the Life
Afternoon (12:00 PM - 3:00 PM)
Focus: Financial Management and Strategy
- Review budget reports.
"""


def test_a_tier_duration_glued_to_its_text_becomes_a_fact_with_the_tier_name():
    _, units = analyse(TIERS)
    found = {u.text: u for u in units}
    assert found["Senior Example Manager\n7-10 years"].kind == "fact"
    assert "Leads a team of managers." in found


def test_a_run_of_short_lines_is_one_list_unit():
    _, units = analyse(TIERS)
    found = {u.text: u for u in units}
    names = "\n".join(TIERS.splitlines()[5:9])
    assert found[names].kind == "item" and found[names].section == "Emerging Specializations"
    assert found["Ace your application with our purpose-built resources, from resumes and cover letters to "
                 "interviews."].section == "Job Application Toolkit"


def test_a_time_slot_keeps_its_focus_line():
    _, units = analyse(TIERS)
    found = {u.text: u for u in units}
    slot = next(u for u in units if "Afternoon (12:00 PM - 3:00 PM)" in u.text)
    assert slot.kind == "fact" and slot.text.endswith("3:00 PM)\nFocus: Financial Management and Strategy")
    assert found["Review budget reports."].section == "Focus: Financial Management and Strategy"


def test_markdown_headings_name_their_sections():
    text = "# Example Manager Guide\n\n## Pay and Benefits\n\nExample managers earn a median salary of $90,000 a year, which the guide compares with similar roles.\n"
    _, units = analyse(text)
    assert [u.section for u in units] == ["Pay and Benefits"]


WRAPPED = """OCCUPATIONAL PROFILE: HARBOR PILOTS

QUICK FACTS: HARBOR PILOTS
| 2024 Median Pay                  | $187,320 per year              |
| Typical Entry-Level Education    | Bachelor's degree              |

HOW TO BECOME A HARBOR PILOT
Apprentices train for four years under a licensed pilot, learning the
channel, its tides and its traffic before they may take a ship in alone.
Most ports also ask for a master's license and several years at sea
on deep-draft vessels.

Pilots work in all weather and at any hour, boarding ships from a small
launch by a rope ladder, which makes the job one of the more dangerous
ones at sea. They are paid by the ship, and a busy port keeps them on a
rotation of one week on and one week off.

Requirements usually include:
  - A master's license with a pilotage endorsement issued by the state
    board of pilot commissioners
  - A medical certificate renewed every year
"""


def test_a_hard_wrapped_paragraph_is_cut_into_whole_sentences():
    """A plain-text profile broken at a fixed width: a sentence that runs over a line break is one unit."""
    sections, units = analyse(WRAPPED)
    texts = [" ".join(u.text.split()) for u in units]
    assert ("Apprentices train for four years under a licensed pilot, learning the channel, its tides and its "
            "traffic before they may take a ship in alone.") in texts
    assert "Most ports also ask for a master's license and several years at sea on deep-draft vessels." in texts
    assert ("A master's license with a pilotage endorsement issued by the state board of pilot commissioners"
            in texts)
    assert "Requirements usually include:" in texts
    for u in units:
        assert WRAPPED[u.start:u.end] == u.text
    assert [s.heading for s in sections][:2] == ["QUICK FACTS: HARBOR PILOTS", "HOW TO BECOME A HARBOR PILOT"]


def test_a_hard_wrapped_guide_with_one_overlong_line_is_still_read_whole():
    """A long profile wrapped at 72 columns where the writer once missed a wrap (one line of 140
    characters): its sentences are still one unit each, not cut at every line break."""
    import textwrap

    sentences = [f"Pilots of port {p} guide ship {s} past the breakwater before dawn on most days." for p in range(10)
                 for s in range(6)]
    lines: list[str] = []
    for p in range(10):
        lines += textwrap.wrap(" ".join(sentences[p * 6:(p + 1) * 6]), 72) + [""]
    lines[3] += " " + lines.pop(4)  # the missed wrap
    text = "HARBOR PILOTS\n\n" + "\n".join(lines)
    assert max(map(len, lines)) > 100
    _, units = analyse(text)
    texts = {" ".join(u.text.split()) for u in units}
    assert set(sentences) <= texts
    for u in units:
        assert text[u.start:u.end] == u.text


def test_words_in_capitals_are_not_credentials():
    """A heading in capitals ("HOW TO BECOME ONE", "LICENSES") or a common word in capitals ("IT", "US") is
    not a credential acronym the guides use; "NBE" beside "exam" is."""
    from careerbot.coverage import credential_acronyms

    found = credential_acronyms(["HOW TO BECOME ONE Most states require a license and the NBE exam.", "LICENSES",
                                 "IT certifications help, and US licenses vary by state."])
    assert found == {"nbe"}


def test_a_table_without_a_header_row_keeps_its_first_row():
    """A facts table whose first row already holds a figure has no header: that row is quotable too."""
    _, units = analyse(WRAPPED)
    rows = {" ".join(u.text.split()): u for u in units if u.kind == "row"}
    assert "| 2024 Median Pay | $187,320 per year |" in rows
    assert rows["| 2024 Median Pay | $187,320 per year |"].section == "QUICK FACTS: HARBOR PILOTS"


def test_a_guide_title_names_its_role():
    """Titles as guides are saved: a page's words, a chapter number, a site name and its breadcrumb."""
    from careerbot.coverage import role_of

    assert role_of("Data Analyst Career Guide 2025: Salary, Skills & How to Start") == "Data Analyst"
    assert role_of("How to Become a Chef: Pay, Training & Outlook | KitchenSite") == "Chef"
    assert role_of("Chapter 7: Veterinary Technicians") == "Veterinary Technicians"
    assert role_of("OCCUPATIONAL PROFILE: FIREFIGHTERS") == "Firefighters"
    assert role_of("SiteName | Home > Explore Careers > Social Services > Social Worker") == "Social Worker"
    assert role_of("Occupational Therapist Career Guide") == "Occupational Therapist"
    assert role_of("HVAC Technician Career Handbook") == "HVAC Technician"


def test_a_short_last_line_is_text_not_a_heading():
    """A heading has text under it: a guide that ends on a short sentence can still quote it."""
    sections, units = analyse("Harbor Pilot Guide\n\nRemote work\nA harbor pilot cannot work from home.\n")
    assert [(u.text, u.section) for u in units] == [("A harbor pilot cannot work from home.", "Remote work")]


def test_a_title_part_the_guide_speaks_of_names_its_role():
    """Of a title's parts, the one whose last word the guide itself uses most (a word for a person counting
    double) is its role, not a catchy headline."""
    from careerbot.coverage import role_of

    title = "Out on the Water: A Talk With a Senior Harbor Pilot"
    text = "Harbor pilots guide ships into port. A pilot boards by ladder. Most pilots train for years on the water."
    assert role_of(title) == "Out on Water"  # from the title alone, its first part
    assert role_of(title, text) == "Senior Harbor Pilot"


def test_a_page_saved_with_its_site_name_first_takes_its_role_from_the_breadcrumb():
    """A web page saved as text starts with the site's name; the breadcrumb under it names the page's role,
    which the guide speaks of throughout ("secretaries" counts for "Secretary")."""
    from careerbot.coverage import role_of

    text = ("Pathway Careers\nHome | Quizzes | Log in\n\n"
            "Pathway Careers | Home > Careers > Legal > Legal Secretary\n"
            "Legal secretaries prepare filings. Most secretaries work in law firms, and a secretary with five years "
            "of experience often runs a team.\n")
    assert role_of("Pathway Careers", text) == "Legal Secretary"


def test_a_role_named_with_and_has_two_heads_and_no_joining_word():
    """A guide about "Court Reporters and Simultaneous Captioners" is named by either occupation; "and"
    names neither, so "and welders?" is about welders."""
    from careerbot.conversation import lexicon, parts

    lex = lexicon(["Court Reporters and Simultaneous Captioners", "Welder"], frozenset(), frozenset(), frozenset())
    assert parts("and welders?", lex).roles == ((4, 11),)
    assert parts("How do court reporters keep their certification?", lex).roles == ((7, 22),)
    assert parts("what do captioners earn?", lex).roles == ((8, 18),)


def test_another_role_replaces_the_whole_of_a_role_named_with_and():
    """After a question naming a guide's role by both its names ("funeral directors and morticians"), "and
    welders?" is searched for welders alone, not for welders and morticians; two guides' roles stay two."""
    from careerbot.conversation import Turn, lexicon, read_in_context

    lex = lexicon(["Funeral Directors and Morticians", "Welder", "Plumber"], frozenset(), frozenset({"pay"}),
                  frozenset("funeral directors and morticians welders welder plumbers pay per hour earn".split()))
    asked = [Turn("How much do funeral directors and morticians earn per hour?")]
    assert read_in_context("and welders?", asked, lex)[0] == "How much do welders earn per hour?"
    asked = [Turn("How much do plumbers and morticians earn per hour?")]
    assert read_in_context("and welders?", asked, lex)[0] == "How much do welders and morticians earn per hour?"


def test_a_field_word_names_its_role_unless_a_role_is_named_outright():
    """"plumbing", "actuarial" name the plumber's and the actuary's guides; in "reporting tools for office
    managers", "reporting" is just a word: the role named as a role is the one asked about."""
    from careerbot.conversation import lexicon, parts, spelled_out

    lex = lexicon(["Court Reporter", "Office Manager", "Plumber", "Actuary"], frozenset(), frozenset(), frozenset())
    assert spelled_out("how long is a plumbing apprenticeship?", lex) == "how long is a Plumber apprenticeship?"
    assert parts("How hard are the actuarial exams?", lex).roles == ((17, 26),)
    asked = "which reporting tools do office managers use?"
    assert spelled_out(asked, lex) == asked
