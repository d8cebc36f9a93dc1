from django.urls import path

from articles import feeds, search, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<slug:slug>-<int:pk>/", views.ArticleDetailView.as_view(), name="detail"),
    path("apercu/<int:pk>/", views.preview, name="preview"),
    path("apercu/une/", views.front_page_preview, name="front_page_preview"),
    path("rubriques/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("mots-cles/<str:slug>/", views.TagView.as_view(), name="tag"),
    path("auteurs/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("intervenants/<slug:slug>/", views.SpeakerView.as_view(), name="speaker"),
    path("recherche/", search.search, name="search"),
    path("vues/<int:pk>/", views.view_beacon, name="view_beacon"),
    path("classements/", views.rankings, name="rankings"),
    path("archives/", views.ArchivesView.as_view(), name="archives"),
    path("archives/<int:year>/", views.YearArchiveView.as_view(), name="archive_year"),
    path(
        "archives/<int:year>/<int:month>/",
        views.MonthArchiveView.as_view(),
        name="archive_month",
    ),
    path("flux/rss/", feeds.LatestArticlesFeed(), name="feed_rss"),
    path("flux/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("rubriques/<slug:slug>/rss/", feeds.SectionFeed(), name="section_feed_rss"),
    path("rubriques/<slug:slug>/atom/", feeds.SectionAtomFeed(), name="section_feed_atom"),
    path("mots-cles/<str:slug>/rss/", feeds.TagFeed(), name="tag_feed_rss"),
    path("mots-cles/<str:slug>/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
]
