-- Each account (brand) may look its contacts up in its own CRM (Contacts/Crm/CrmLookup.cs): the lookup's address, its
-- time budget and cache time, and the signing secret (protected with Data Protection), as JSON.
ALTER TABLE accounts ADD COLUMN crm_json TEXT NULL;
