"""Invented demo content for Broadsheet.

Everything here describes Kestlebury, a fictional small town on the equally fictional
River Wendle. The people, places, organisations and events are made up for demonstration
purposes only; any resemblance to real ones is coincidental.
"""

from __future__ import annotations

from typing import TypedDict

__all__ = ["ARTICLES", "SECTIONS", "DemoArticle", "DemoSection"]


class DemoSection(TypedDict):
    name: str
    slug: str
    description: str


class DemoArticle(TypedDict):
    title: str
    slug: str
    section: str
    summary: str
    byline: str
    hours_ago: int
    body: str


SECTIONS: list[DemoSection] = [
    {
        "name": "Town & Council",
        "slug": "town",
        "description": (
            "Decisions, budgets and works from Kestlebury Town Council and the streets they affect."
        ),
    },
    {
        "name": "Community & Culture",
        "slug": "community",
        "description": (
            "The library, the market, local history and the groups that keep Kestlebury busy."
        ),
    },
    {
        "name": "Out & About",
        "slug": "out-and-about",
        "description": "Sport, the river, getting around and weekends in and around Kestlebury.",
    },
]


_FOOTBRIDGE_BODY = """\
The Tanner's Footbridge over the River Wendle reopened to pedestrians and cyclists at
seven o'clock this morning, six weeks ahead of schedule and after eleven months behind
construction fencing.

The narrow iron crossing, which links Millhythe Quay with the Fennick Green side of the
river, was closed last spring when an inspection found corrosion in two of its main
supports. Since then, people on foot have faced a detour of almost a mile via the
Cornhill road bridge.

## What has changed

Engineers have replaced both damaged supports and resurfaced the deck with a non-slip
finish. The work also included:

- new handrails at a height suitable for cyclists
- low-level lighting along the full span, switched on from dusk until midnight
- gentler ramps at both ends, replacing the old steps on the Fennick Green side
- a bench and information board on the quay approach

The town council says the total cost came in slightly under the budget agreed last year,
with the early finish put down to a dry autumn and the contractor being able to work
through the winter months without river-level delays.

## A busy first morning

By half past eight there was a steady stream of commuters, dog walkers and parents
heading towards St Brin's Primary. Several said the reopening would cut ten to fifteen
minutes from their daily journeys.

> "I've walked over this bridge to work for twenty years, and I didn't realise how much
> I'd missed it until it was gone," said Gwen Halloway, who lives on Tanyard Row. "The
> new ramp is a real improvement. I saw a lad with a pushchair go straight over without
> stopping."

Councillor Ines Marlowe, who chairs the council's highways committee, thanked residents
for their patience and said the bridge should not need major work for at least thirty
years.

A short celebration is planned for Saturday at eleven, when pupils from St Brin's will
cut a ribbon on the quay side. The footpath along Millhythe Quay, partly closed during
the works, is also fully open again.
"""

_BUDGET_BODY = """\
Kestlebury Town Council has launched a public consultation on its spending plans for the
coming year, and is asking residents to say which services matter most to them before
the final budget is set in March.

The draft budget proposes a small increase in the town's share of council tax, equal to
roughly four pence a week for a typical household. Council officers say the rise is
needed to keep pace with higher energy costs at the Wendle Street leisure centre and the
library, as well as a planned increase in street-cleaning rounds.

## What is on the table

The consultation asks residents to rank a list of possible priorities, including:

- more frequent litter collection in the town centre and along Millhythe Quay
- longer opening hours for public toilets at Fennick Green park
- a repairs fund for pavements on the Upper Sallow estate
- small grants for community groups and youth clubs
- extra planting and maintenance in the town's three allotment sites

There is also space for free-text comments, and the council says every response will be
read by a member of the finance committee.

> "We have a limited amount of money and more requests than we can meet," said
> Councillor Desmond Orrin, who chairs the finance committee. "The best way to make
> sure we spend it well is to hear directly from the people who use these services
> every day."

## How to take part

Paper copies of the questionnaire are available at the library on Chandler Street, the
town hall reception and the community centre in Upper Sallow. It can also be completed
online, and officers will hold two drop-in sessions at the town hall on the next two
Thursday evenings from six until eight.

The consultation closes at the end of next month. A summary of the responses will be
published alongside the final budget papers, and we will cover the results in our
[Town & Council section](/sections/town/).

Residents who need a large-print or translated copy of the questionnaire can request one
from the town hall by phone or in person.
"""

_FLOOD_BODY = """\
Work to strengthen Kestlebury's flood defences along the lower River Wendle is now two
thirds complete, according to an update presented to the town council's environment
committee this week.

The scheme, which began last summer, covers the stretch of riverbank between the Cornhill
road bridge and the weir at Sallow Mill. It is designed to protect around two hundred
homes and businesses that were affected when the river burst its banks during the wet
winter four years ago.

## Progress so far

The new earth embankment behind the Fennick Green playing fields has been finished and
seeded with grass, and a set of flood gates has been installed at the bottom of Tanyard
Row. Still to come are a raised wall along part of Millhythe Quay and improvements to
the drainage channels that feed into the river near the allotments.

Engineers told councillors that the wet weather in recent weeks had offered an
unplanned test of the finished sections.

> "The river came up higher than it has in two years, and the new embankment did exactly
> what it was built to do," said Priya Lanyard, the project engineer. "The playing
> fields stayed dry, which they certainly would not have done before."

## Weather outlook

Forecasters expect a settled spell over the next week, with light winds and only
occasional showers. River levels have dropped back to normal for the time of year, and
no flood alerts are currently in place for the Kestlebury area.

The council is reminding residents in low-lying streets that free sandbags remain
available from the depot on Weir Lane, and that anyone who wants to sign up for flood
alerts by text message can do so at the town hall.

## What happens next

The final phase, including the quay wall, is due to start in the spring once the ground
has dried out. A short section of the riverside footpath near Sallow Mill will be closed
during that work, with a signed diversion through the playing fields. The council
expects the whole scheme to be finished before next winter.
"""

_LIBRARY_BODY = """\
Kestlebury Library on Chandler Street will open for longer from next month, including on
Sunday afternoons for the first time in more than a decade.

The new hours follow a survey carried out last autumn, in which the most common request
from readers was for the library to stay open later on weekdays so that people could
visit after work or school.

## The new opening times

From the first of the month, the library will be open:

- Monday to Thursday, 9am to 7pm (previously closing at 5pm)
- Friday, 9am to 5pm
- Saturday, 9am to 4pm
- Sunday, 1pm to 4pm (new)

The study room on the first floor, which has desks, power sockets and free wireless
internet, will be available during all opening hours. It has become a popular spot for
students at Kestlebury Community School during exam season.

The extra hours are being covered by two part-time staff appointments and a growing
team of volunteers, who help with shelving, the children's reading club and the weekly
computer help sessions.

> "We want the library to be somewhere people can actually get to," said Maureen
> Cattermole, the branch librarian. "A lot of our regulars told us they loved the place
> but could only ever visit on a Saturday. Now they'll have a few more options."

## Something for younger readers

The Sunday sessions will include a story time for under-fives at half past one, run by
volunteers from the Friends of Kestlebury Library. The group is also planning a
spring reading challenge for primary school pupils, with small prizes for anyone who
reads six books over the Easter holidays.

Library membership is free for anyone who lives, works or studies in the town, and new
members can join at the front desk with proof of address. The library is also looking
for more volunteers, particularly for Sunday afternoons, and anyone interested is
invited to ask at the desk.
"""

_MARKET_BODY = """\
Kestlebury's monthly farmers' market is moving from the Cornhill car park to Millhythe
Quay, with the first market at its new riverside home taking place on the second Saturday
of next month.

The market has been held in the car park for nearly fifteen years, but organisers say
it has outgrown the space. There are currently twenty-eight regular stallholders and a
waiting list of more than a dozen producers hoping to join.

## Why the quay

The newly resurfaced quay offers room for around forty stalls, along with level access,
nearby public toilets and a water supply. It also means the Cornhill car park will stay
open for shoppers on market days, something town centre businesses have asked for.

Organisers have drawn up a layout that keeps the quayside footpath clear, so walkers and
cyclists can still pass along the river while the market is running.

> "The car park has served us well, but on a busy day you could hardly move," said Tom
> Ashdown, who grows salad leaves and herbs at his smallholding outside Upper Sallow and
> chairs the market committee. "Down by the river there's space to set out properly,
> and it's a much nicer place to spend a morning."

## What to expect

Regular stallholders are all expected to make the move, including the bakery from
Fennick Green, the cheese and egg stalls, and the plant nursery. The committee has also
offered places to several new traders, among them a beekeeper, a fruit juice maker and
a stall selling hand-thrown pottery.

Other changes include:

- opening hours extended by an hour, now 8am to 1pm
- a small seating area with picnic benches near the footbridge
- a monthly guest stall reserved for a local charity or community group

Market days will continue on the second Saturday of each month throughout the year.
Parking is available in the Cornhill car park and at the leisure centre on Wendle
Street, both a short walk from the quay. Several bus routes also stop on Quay Road.
"""

_HERITAGE_BODY = """\
Doors that are normally closed to the public will open across Kestlebury next weekend
as the town holds its annual heritage open day, with more than a dozen buildings and
sites taking part.

The event is organised by the Kestlebury History Society with help from the town
council, and all venues are free to visit. Last year around two thousand people took
part, and organisers are hoping for a similar turnout.

## Highlights this year

Among the places welcoming visitors are:

- Sallow Mill, the former corn mill by the weir, where volunteers will demonstrate the
  restored water wheel on the hour
- the clock tower of the old Corn Exchange, with guided climbs for small groups
- the Victorian reading room above the library on Chandler Street
- the council chamber in the town hall, where visitors can sit in the councillors' seats
- the old signal box at the former railway station, now a model railway club

There will also be guided walks along the Tanyard Row and Millhythe Quay area, telling
the story of the leather and boat-building trades that once lined the river.

> "Most people walk past these buildings every day without ever seeing inside," said
> Edwin Farrant, secretary of the history society. "For one weekend a year, we get to
> share them with everyone. There's always someone who tells us their grandparents
> worked at the mill, and we love hearing those stories."

## Practical details

Most venues will be open from 10am to 4pm on both Saturday and Sunday. Some, including
the clock tower climbs, have limited places and can be booked at the library or the
town hall in advance. Not all buildings have step-free access, and a printed guide
available from the library shows which ones do.

The history society is also inviting residents to bring old photographs of the town to
a scanning table in the Corn Exchange, where volunteers will copy them for the society's
archive and return the originals straight away.
"""

_FOOTBALL_BODY = """\
Kestlebury Wanderers Under-13s are county youth cup champions after a tense 2-1 win over
Brackwater Rovers in front of a crowd of several hundred at Fennick Green on Sunday
afternoon.

It is the first time the club has reached the final of the competition, and the result
caps an unbeaten season for a squad that was only formed three years ago.

## How the match unfolded

Brackwater took the lead midway through the first half with a well-struck free kick
that gave the Wanderers goalkeeper, Alfie Denholm, no chance. The home side responded
well, and drew level just before half-time when Leah Morrow turned in a low cross from
the right wing.

The second half was evenly matched, with chances at both ends. With six minutes
remaining, captain Josh Pennick met a corner at the near post to head in what proved to
be the winning goal. Denholm then made two fine saves in stoppage time to keep the lead
intact.

> "I'm so proud of every single one of them," said coach Carol Brightwell. "They've
> trained through rain and wind all winter, and they never gave up when we went behind.
> Brackwater are a very good side and made us work for it."

## Support from the stands

The match drew one of the biggest crowds Fennick Green has seen for a youth game, with
families, former players and pupils from Kestlebury Community School lining the touchline.
The club's volunteers ran a refreshment stand, raising money towards new kit for next
season.

The Brackwater coach also praised the spirit of the game and the welcome his team had
received, and both squads lined up together for a photograph after the trophy was
presented.

## What's next

The squad will be invited to a reception at the town hall later this month. The club
is also holding open training sessions for girls and boys aged eight to fourteen every
Wednesday evening at Fennick Green during the summer, and says new players of all
abilities are welcome.
"""

_CLEANUP_BODY = """\
More than a hundred volunteers pulled on waders and gloves on Saturday for the annual
River Wendle clean-up day, collecting over sixty bags of litter from the water and the
banks between Sallow Mill and the Cornhill road bridge.

The event is organised each spring by the Friends of the Wendle, a volunteer group that
looks after the river and its footpaths. This year's turnout was the largest since the
clean-up began nine years ago.

## What was found

Alongside the usual plastic bottles, cans and crisp packets, volunteers recovered some
more unusual items, including:

- two shopping trolleys and a child's bicycle
- a traffic cone, found wedged under the weir
- an old tin bath, now being offered to the allotment society as a planter
- a surprising number of single wellington boots

Everything that could be recycled was sorted on Millhythe Quay and taken away by the
town council's waste team, who provided skips, litter pickers and safety equipment.

> "It's hard, muddy work, but people really care about this river," said Dilys Carrow,
> chair of the Friends of the Wendle. "We've noticed the amount of rubbish going down a
> little each year, which suggests more people are keeping it clean all year round."

## Wildlife spotted

Volunteers working near the allotments reported seeing a kingfisher, and a family of
moorhens was spotted nesting close to the new footbridge. The group will pass its
sightings on to the county wildlife records office.

Pupils from Kestlebury Community School's eco club helped on the banks, and the Scouts
ran a sorting station on the quay. The bakery on Fennick Green donated rolls and tea
for everyone who took part.

The Friends of the Wendle meet on the first Sunday of every month for smaller litter
picks and path maintenance, and new members are welcome. No experience is needed, and
the group provides all equipment.
"""

_BUS_BODY = """\
A new bus timetable for Kestlebury comes into effect from Monday week, with more frequent
services on the town's busiest route and a new evening connection to the Upper Sallow
estate.

The changes follow a review of passenger numbers carried out by the town council and the
bus operator last year, along with comments from more than four hundred residents who
responded to a travel survey.

## Main changes

- The K1 town loop, linking the bus station, Chandler Street, Millhythe Quay and Fennick
  Green, will run every fifteen minutes during the day instead of every twenty.
- The K4 to Upper Sallow will now run until 10.30pm on weekdays, with the last bus
  leaving the bus station at 10pm. Previously the final departure was just after 7pm.
- Route 22 to Brackwater will gain an extra early-morning journey on weekdays, timed to
  connect with shift patterns at the business park.
- Sunday services on the K1 will start an hour earlier, at 8am.

One stop on Quay Road will move about fifty metres closer to the footbridge, and a new
shelter will be installed there in the coming weeks.

> "The late K4 is going to make a real difference," said Amira Kellow, who lives in
> Upper Sallow and works evenings at the leisure centre. "Until now I've had to rely on
> lifts or walk home along the main road. It's been a long time coming."

## Fares and tickets

Fares are unchanged, and the existing day and weekly tickets remain valid on all local
routes. Under-eighteens living in the town continue to travel for a flat fare with a
youth pass, available from the bus station office.

Printed timetables are available from the bus station, the library and the town hall.
Residents with questions about accessibility or the new stop locations can ask at the
bus station office, which is open every day except Sunday. For more news on getting
around the town, visit our [Out & About section](/sections/out-and-about/).
"""


ARTICLES: list[DemoArticle] = [
    {
        "title": "Tanner's Footbridge reopens six weeks early after repairs",
        "slug": "tanners-footbridge-reopens-early",
        "section": "town",
        "summary": (
            "The iron footbridge linking Millhythe Quay and Fennick Green is open again "
            "after eleven months of repairs, with new ramps, lighting and handrails."
        ),
        "byline": "Maya Thornbury",
        "hours_ago": 2,
        "body": _FOOTBRIDGE_BODY,
    },
    {
        "title": "Wanderers Under-13s lift county youth cup in Fennick Green final",
        "slug": "wanderers-under-13s-win-county-youth-cup",
        "section": "out-and-about",
        "summary": (
            "A late header from captain Josh Pennick gave Kestlebury Wanderers a 2-1 win "
            "over Brackwater Rovers and completed an unbeaten season."
        ),
        "byline": "Owen Pellow",
        "hours_ago": 9,
        "body": _FOOTBALL_BODY,
    },
    {
        "title": "Library to open later on weekdays and on Sunday afternoons",
        "slug": "library-extends-opening-hours",
        "section": "community",
        "summary": (
            "Kestlebury Library on Chandler Street will stay open until 7pm four days a "
            "week and open on Sundays for the first time in more than ten years."
        ),
        "byline": "Harriet Quill",
        "hours_ago": 20,
        "body": _LIBRARY_BODY,
    },
    {
        "title": "Council asks residents to help shape next year's budget",
        "slug": "council-budget-consultation-opens",
        "section": "town",
        "summary": (
            "The town council's draft budget includes a small council tax rise, and "
            "residents have until the end of next month to say which services matter most."
        ),
        "byline": "Samir Dalloway",
        "hours_ago": 31,
        "body": _BUDGET_BODY,
    },
    {
        "title": "Record turnout for River Wendle clean-up day",
        "slug": "river-wendle-clean-up-record-turnout",
        "section": "out-and-about",
        "summary": (
            "More than a hundred volunteers collected over sixty bags of litter from the "
            "river, along with two shopping trolleys and a tin bath."
        ),
        "byline": "Harriet Quill",
        "hours_ago": 50,
        "body": _CLEANUP_BODY,
    },
    {
        "title": "Farmers' market to move to Millhythe Quay",
        "slug": "farmers-market-moves-to-millhythe-quay",
        "section": "community",
        "summary": (
            "The monthly market is leaving the Cornhill car park for a larger riverside "
            "site, with room for new stalls and an extra hour of trading."
        ),
        "byline": "Maya Thornbury",
        "hours_ago": 74,
        "body": _MARKET_BODY,
    },
    {
        "title": "New bus timetable brings later K4 service to Upper Sallow",
        "slug": "new-bus-timetable-later-k4-service",
        "section": "out-and-about",
        "summary": (
            "From Monday week the K1 town loop runs every fifteen minutes and the K4 to "
            "Upper Sallow runs until 10.30pm on weekdays."
        ),
        "byline": "Owen Pellow",
        "hours_ago": 101,
        "body": _BUS_BODY,
    },
    {
        "title": "Flood defence scheme two thirds complete, council told",
        "slug": "flood-defence-scheme-progress-update",
        "section": "town",
        "summary": (
            "The new embankment at Fennick Green held firm during recent high water, and "
            "the final phase along Millhythe Quay is due to start in the spring."
        ),
        "byline": "Samir Dalloway",
        "hours_ago": 140,
        "body": _FLOOD_BODY,
    },
    {
        "title": "Heritage open day to unlock mill, clock tower and signal box",
        "slug": "heritage-open-day-mill-clock-tower",
        "section": "community",
        "summary": (
            "More than a dozen historic buildings will welcome visitors for free next "
            "weekend, from Sallow Mill's water wheel to the old Corn Exchange clock tower."
        ),
        "byline": "Bethan Orrell",
        "hours_ago": 196,
        "body": _HERITAGE_BODY,
    },
]
