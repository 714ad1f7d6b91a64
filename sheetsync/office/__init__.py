"""The office: its folder and configuration, the store of record, the master view, history."""
