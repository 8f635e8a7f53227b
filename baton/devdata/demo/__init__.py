"""The demo agency: `agency.generate` builds the people, clients and contacts, then each app's module here adds its
data through that app's services, in dependency order."""
