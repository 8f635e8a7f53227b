from django.urls import path

from baton.growth import learning_views, views

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
    path("onboarding/", learning_views.onboarding_list, name="onboarding"),
    path("onboarding/<int:plan_id>/", learning_views.onboarding_plan, name="onboarding_plan"),
    path(
        "onboarding/<int:plan_id>/items/<int:item_id>/toggle/",
        learning_views.onboarding_item_toggle,
        name="onboarding_item_toggle",
    ),
    path("training/", learning_views.training_home, name="training"),
    path("training/team/", learning_views.training_team, name="training_team"),
    path("training/lessons/<int:lesson_id>/", learning_views.lesson_page, name="lesson"),
    path("training/people/<int:person_id>/", learning_views.training_person, name="training_person"),
    path("training/attempts/<int:attempt_id>/review/", learning_views.attempt_review, name="attempt_review"),
    path("framework/", views.framework, name="framework"),
    path("framework/traits/<int:trait_id>/edit/", views.trait_edit, name="trait_edit"),
    path("framework/behaviours/<int:behaviour_id>/edit/", views.behaviour_edit, name="behaviour_edit"),
    path("framework/rules/new/", views.rule_new, name="rule_new"),
    path("framework/rules/<int:rule_id>/edit/", views.rule_edit, name="rule_edit"),
]
