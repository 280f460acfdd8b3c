"""Demo forum content: PNC Operators' questions (an accepted answer, a reply that quotes and mentions,
one reply reported as off-topic, a watched phrase, and a topic waiting for approval in a pre-moderated
category) and an announcements category, the Forensics community's debate on its project plan (a closed
poll and the decision reached) with an open poll, and a general category in Neighbourhood Policing."""

from __future__ import annotations

from polka.content.feature import DemoWorld
from polka.forum import polls, posts, quotes, services
from polka.forum.kinds import POST_KIND
from polka.forum.models import CategoryMode
from polka.forum.services import CategoryFields
from polka.markings import Marking
from polka.moderation import rules
from polka.moderation.models import Report, ReportReason, WordAction


def load_demo_forum(world: DemoWorld) -> None:
    """Write the demo categories, topics and replies (the caller commits)."""
    session, people, communities = world.session, world.people, world.communities

    pnc = communities["pnc"]
    lead = people["pnc_lead"]
    questions = services.create_category(
        session,
        lead,
        pnc,
        CategoryFields("Questions", "Ask other operators how they handle a check or a record"),
    )
    news = services.create_category(
        session,
        lead,
        pnc,
        CategoryFields(
            "National user group announcements",
            "News from the national user group; regions reply with their questions",
            CategoryMode.ANNOUNCEMENTS,
        ),
    )
    keeper = services.start_topic(
        session,
        people["pnc_op1"],
        questions,
        title="Vehicle keeper check returns an old address",
        body=(
            "A keeper check on a vehicle sold three weeks ago still shows the previous keeper's address.\n\n"
            "How long do other forces wait before treating the record as wrong, and who do you tell?"
        ),
        is_question=True,
    )
    answer = services.reply(
        session,
        people["nw_coord"],
        keeper,
        "Updates from the licensing agency can take up to four weeks. We note the check on the log and "
        "re-check after a month; if it is still wrong, the supervisor raises it with the bureau.",
    )
    services.reply(
        session,
        people["pnc_op2"],
        keeper,
        quotes.quote_of(answer.id, "We note the check on the log and re-check after a month")
        + f"Same here, @{people['pnc_op1'].handle}. The bureau's contact details are in the PNC manual on the wiki.",
    )
    posts.accept_answer(session, people["pnc_op1"], keeper, answer)
    off_topic = services.reply(
        session,
        people["pnc_op4"],
        keeper,
        "Does anyone know if the canteen at headquarters is open over Christmas?",
    )
    # A report for the demo's moderators to act on (Review the reports, on their home page).
    session.add(
        Report(
            community_id=pnc.id,
            target_kind=POST_KIND,
            target_id=off_topic.id,
            reporter_id=people["pnc_op2"].id,
            reason=ReportReason.OFF_TOPIC,
            text="Nothing to do with keeper checks",
        )
    )
    rules.add_word(session, lead, pnc, "off the record", WordAction.FLAG)
    # A pre-moderated category with a topic waiting for the demo's moderators to approve.
    requests = services.create_category(
        session,
        lead,
        pnc,
        CategoryFields(
            "Change requests",
            "Ask for a change to PNC procedures; a moderator checks each first",
            premoderated=True,
        ),
    )
    services.start_topic(
        session,
        people["pnc_op6"],
        requests,
        title="Add a reason code for welfare checks",
        body="Welfare checks are recorded under a general code today. Could we ask for a code of their own?",
    )
    services.start_topic(
        session,
        people["pnc_op4"],
        questions,
        title="Audit reason codes for a welfare check",
        body="Which reason code do you use when the check is for a missing person's welfare rather than an offence?",
        is_question=True,
    )
    services.start_topic(
        session,
        lead,
        news,
        title="Spring meeting of the national user group: 12 March",
        body=(
            "The spring meeting is on **12 March** in Birmingham. Each region sends two operators.\n\n"
            "Reply here with the questions your region wants raised."
        ),
    )

    forensics = communities["forensics"]
    plan = services.create_category(
        session,
        people["forensics_lead"],
        forensics,
        CategoryFields("Project plan", "The validation project: plan, milestones and decisions"),
    )
    debate = services.start_topic(
        session,
        people["forensics_lead"],
        plan,
        title="Which method do we validate first?",
        body=(
            "We have funding to validate one method this year. The options:\n\n"
            "1. Rapid DNA for custody suites\n2. Digital fingerprint capture at scenes\n"
            "3. Drug field testing kits\n\nSay which you would choose and why."
        ),
        marking=Marking.OFFICIAL_SENSITIVE,
    )
    services.reply(
        session,
        people["forensics1"],
        debate,
        "Digital fingerprint capture: the kit is already in three forces and the error rates are unknown.",
    )
    services.reply(
        session,
        people["forensics2"],
        debate,
        "Rapid DNA would save more time, but the accreditation work is far bigger. I agree with capture first.",
    )
    # The debate's poll, closed, and the decision the project board reached.
    lead = people["forensics_lead"]
    poll = polls.create_poll(
        session,
        lead,
        debate,
        polls.PollFields(
            "Which method do we validate first?",
            "Rapid DNA for custody suites\nDigital fingerprint capture at scenes\nDrug field testing kits",
            named=True,
        ),
    )
    session.flush()
    capture, rapid_dna = poll.options[1].id, poll.options[0].id
    for voter, choice in (("forensics1", capture), ("forensics2", capture), ("forensics_lead", rapid_dna)):
        polls.vote(session, people[voter], debate, poll, [choice])
    polls.close_poll(session, lead, debate, poll)
    polls.record_decision(
        session,
        lead,
        debate,
        "Digital fingerprint capture first, agreed at the March project board. Rapid DNA follows next year.",
    )
    # An open poll for the demo's Forensics members to vote in.
    workshop = services.start_topic(
        session,
        people["forensics1"],
        plan,
        title="When should we hold the validation workshop?",
        body="The workshop needs a full day with every force's lead. Vote for the months that suit you.",
    )
    polls.create_poll(
        session,
        people["forensics1"],
        workshop,
        polls.PollFields("Which months suit you?", "April\nMay\nJune", multiple=True),
    )

    neighbourhood = communities["neighbourhood"]
    general = services.create_category(
        session,
        people["neighbourhood_lead"],
        neighbourhood,
        CategoryFields("General discussion", "Anything about neighbourhood policing"),
    )
    services.start_topic(
        session,
        people["neighbourhood1"],
        general,
        title="Has anyone run a street surgery with the council?",
        body="We want to hold monthly street surgeries with council officers. Has anyone done this, and was it worth it?",
        is_question=True,
    )
