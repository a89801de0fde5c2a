"""Screening tours, the service side of the planner: plans built from the catalogue (titles,
rights, subtitles, renditions, venues), solved as a job, stored with their screenings and
left-out reasons, edited under the planner's rules, published to partners, exported."""
