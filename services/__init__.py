"""What both doors use: mail and notifications, file storage, exports, report figures and
charts, backup, health, triage models on disk, demo data and the background worker.

Services import the domain (`models`) and libraries, never the wiring (`aspirasi`) nor a door.
"""
