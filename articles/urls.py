from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<slug:slug>-<int:pk>/", views.ArticleDetailView.as_view(), name="detail"),
    path("apercu/<int:pk>/", views.preview, name="preview"),
    path("rubriques/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("mots-cles/<str:slug>/", views.TagView.as_view(), name="tag"),
    path("auteurs/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("intervenants/<slug:slug>/", views.SpeakerView.as_view(), name="speaker"),
]
