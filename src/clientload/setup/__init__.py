"""Setting the model up on the company's own staff, pay and time.

- `staff`: departments from a staff list (people, monthly cost, hours, practical share), read
  from `staff.csv` or asked by the wizard (`wizard`), written into `clientload.toml` (`toml`);
- `scale`: departments nobody described yet, scaled to the company from its sales;
- `changes`: every saved change of the settings kept (who, when, the diff), and rolled back;
- `survey`: the time survey's answers, their medians and spread per activity.
"""
