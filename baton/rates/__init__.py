"""Rate cards, exchange rates and who sees money: below timesheets (which copy rates onto entries) and finance."""
