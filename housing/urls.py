from django.urls import path

from housing.views import districts, offers, placements, senior_flat

app_name = "housing"

urlpatterns = [
    # Landlords and offers
    path("landlords/", offers.LandlordListView.as_view(), name="landlord_list"),
    path("landlords/new/", offers.landlord_create, name="landlord_create"),
    path("landlords/<int:pk>/", offers.landlord_detail, name="landlord_detail"),
    path("landlords/<int:pk>/edit/", offers.landlord_edit, name="landlord_edit"),
    path("offers/", offers.OfferListView.as_view(), name="offer_list"),
    path("offers/new/", offers.offer_create, name="offer_create"),
    path("offers/<int:pk>/", offers.offer_detail, name="offer_detail"),
    path("offers/<int:pk>/edit/", offers.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/withdraw/", offers.offer_withdraw, name="offer_withdraw"),
    path("offers/<int:pk>/matches/", offers.offer_matches, name="offer_matches"),
    path("clients/<int:pk>/offers/", offers.client_offers, name="client_offers"),
    path("clients/<int:pk>/search/", offers.housing_search_edit, name="housing_search_edit"),
    path("kdu/", offers.kdu_overview, name="kdu_overview"),
    path("districts/", districts.district_list, name="districts"),
    # Placements
    path("offers/<int:pk>/propose/", placements.placement_propose, name="placement_propose"),
    path("placements/<int:pk>/", placements.placement_detail, name="placement_detail"),
    path("placements/<int:pk>/advance/", placements.placement_advance, name="placement_advance"),
    path("placements/<int:pk>/decline/", placements.placement_decline, name="placement_decline"),
    path("placements/<int:pk>/plan/", placements.placement_plan_step, name="placement_plan_step"),
    path("follow-ups/<int:pk>/", placements.follow_up_answer, name="follow_up_answer"),
    path("board/", placements.board, name="board"),
    path("board/thresholds/", placements.stall_thresholds, name="stall_thresholds"),
    path("board/<slug:column>/", placements.BoardColumnView.as_view(), name="board_column"),
    # Senior shared flat
    path("senior-flat/", senior_flat.overview, name="senior_flat"),
    path("senior-flat/<int:pk>/residents/new/", senior_flat.resident_add, name="resident_add"),
    path("senior-flat/residents/<int:pk>/move-out/", senior_flat.resident_move_out, name="resident_move_out"),
    path("senior-flat/<int:pk>/waiting-list/new/", senior_flat.waiting_add, name="waiting_add"),
    path("senior-flat/waiting-list/<int:pk>/remove/", senior_flat.waiting_remove, name="waiting_remove"),
]
