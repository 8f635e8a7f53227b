from django.urls import path

from baton.growth import views

app_name = "growth"
urlpatterns = [
    path("", views.my_growth, name="home"),
    path("team/", views.team, name="team"),
    path("people/<int:person_id>/", views.person_page, name="person"),
    path("people/<int:person_id>/assess/", views.assess, name="assess"),
    path("people/<int:person_id>/evidence/new/", views.evidence_new, name="evidence_new"),
    path("people/<int:person_id>/goals/new/", views.goal_new, name="goal_new"),
    path("goals/<int:goal_id>/actions/", views.goal_action_add, name="goal_action_add"),
    path("goals/<int:goal_id>/check-in/", views.goal_check_in, name="goal_check_in"),
    path("goals/<int:goal_id>/status/", views.goal_status, name="goal_status"),
    path("actions/<int:action_id>/toggle/", views.goal_action_toggle, name="goal_action_toggle"),
    path("practice/", views.practice, name="practice"),
    path("practice/<int:session_id>/rate/", views.practice_rate, name="practice_rate"),
    path("practice/scenarios/new/", views.scenario_edit, name="scenario_new"),
    path("practice/scenarios/<int:scenario_id>/edit/", views.scenario_edit, name="scenario_edit"),
    path("reviews/<int:review_id>/", views.review, name="review"),
    path("framework/", views.framework, name="framework"),
    path("framework/traits/<int:trait_id>/edit/", views.trait_edit, name="trait_edit"),
    path("framework/behaviours/<int:behaviour_id>/edit/", views.behaviour_edit, name="behaviour_edit"),
    path("framework/rules/new/", views.rule_new, name="rule_new"),
    path("framework/rules/<int:rule_id>/edit/", views.rule_edit, name="rule_edit"),
]
